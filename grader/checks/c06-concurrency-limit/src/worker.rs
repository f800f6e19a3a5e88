//! `download` called from a task on a runtime worker, as a server's handler would call it.
//!
//! Called from the check's own future, the tasks `download` spawns go to the runtime's shared
//! queue and start in the order they were spawned. Called from a task on a worker of a
//! multi-thread runtime, they go to that worker's own queue, where the task spawned last runs
//! first (tokio's "LIFO slot"): an answer that spawns a task per URL and takes its slot inside the
//! task then starts the last URL first. On a runtime of one worker that is deterministic.
//!
//! A task must be `Send`; a learner's `download` need not be (its future may hold an `Rc`). The
//! choice is made at compile time (autoref specialisation): a `download` whose future is not
//! `Send` runs in the check's own future, as `run_download` does, and spawns no task anyway.

use challenge::download;
use harness::tokio::{self, sync::oneshot};
use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::pin::Pin;

/// What `download` returned, and what it wrote.
pub type Downloaded = (io::Result<()>, Vec<u8>);
type Launched = Pin<Box<dyn Future<Output = Option<Downloaded>>>>;

struct Probe<F>(RefCell<Option<F>>);

trait OnWorker {
    fn launch(&self) -> Launched;
}

/// A `Send` download: a task on a one-worker runtime of its own.
impl<F: Future<Output = Downloaded> + Send + 'static> OnWorker for Probe<F> {
    fn launch(&self) -> Launched {
        let Some(download) = self.0.borrow_mut().take() else {
            return Box::pin(async { None });
        };
        let (done, result) = oneshot::channel();
        std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(downloaded) = tokio::spawn(download).await {
                    let _ = done.send(downloaded);
                }
            });
            runtime.shutdown_background();
        });
        Box::pin(async move { result.await.ok() })
    }
}

// Used only when a learner's `download` is not `Send` (the reference's is).
#[allow(dead_code)]
trait InPlace {
    fn launch(&self) -> Launched;
}

/// A download whose future is not `Send`: awaited where it is.
impl<F: Future<Output = Downloaded> + 'static> InPlace for &Probe<F> {
    fn launch(&self) -> Launched {
        let download = self.0.borrow_mut().take();
        Box::pin(async move {
            match download {
                Some(download) => Some(download.await),
                None => None,
            }
        })
    }
}

/// Runs `download(urls, max_run, …)` as a task on a worker (when its future is `Send`); `None`
/// when it panicked (the runner reports the panic).
pub async fn download_on_worker(urls: &[String], max_run: usize) -> Option<Downloaded> {
    let probe = Probe(RefCell::new(Some(owned_download(urls.to_vec(), max_run))));
    #[allow(clippy::needless_borrow)] // the borrow picks `OnWorker` when it applies
    (&probe).launch().await
}

/// The call to `download`, owning what it borrows. A function of its own: whether its future is
/// `Send` can only be asked from outside the function that builds it.
async fn owned_download(urls: Vec<String>, max_run: usize) -> Downloaded {
    let mut out = Vec::new();
    let result = download(&urls, max_run, &mut out).await;
    (result, out)
}
