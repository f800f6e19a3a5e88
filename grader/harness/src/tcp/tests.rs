use super::*;
use crate::Failure;
use std::fmt::Debug;
use std::io;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn echo_once(listener: TcpListener) -> io::Result<()> {
    let (mut s, _) = listener.accept().await?;
    let mut buf = vec![0; 64];
    let n = s.read(&mut buf).await?;
    s.write_all(&buf[..n]).await?;
    s.shutdown().await
}

#[tokio::test]
async fn a_client_reads_a_line_then_eof() {
    let server = Server::start(echo_once).await.unwrap();
    let mut client = server.connect().await.unwrap();
    client.send(b"hi\r\n").await.unwrap();
    assert_eq!(client.read_line().await.unwrap(), b"hi\r\n");
    client.expect_eof().await.unwrap();
}

#[tokio::test]
async fn a_silent_server_is_a_timeout_that_says_so() {
    let server = Server::start(|l: TcpListener| async move {
        let _held = l.accept().await;
        std::future::pending::<()>().await
    })
    .await
    .unwrap();
    let mut client = server.connect().await.unwrap();
    tokio::time::pause();
    let Err(Failure::Timeout(message)) = client.read_line().await else {
        panic!("expected a timeout")
    };
    assert!(message.starts_with("no reply within 2 s"), "{message}");
}

#[tokio::test]
async fn a_server_that_returned_is_explained() {
    let server = Server::start(|_l: TcpListener| async { Ok::<(), io::Error>(()) })
        .await
        .unwrap();
    tokio::task::yield_now().await;
    while server.is_running() {
        tokio::task::yield_now().await;
    }
    // The harness let go of the socket when `serve` ended: refused at once.
    let Err(Failure::Fail(message)) = server.connect().await else {
        panic!("expected a failure")
    };
    assert!(
        message.contains("the server stopped: it returned Ok(())"),
        "{message}"
    );
}

#[tokio::test]
async fn a_server_that_panicked_is_refused_at_once() {
    let server = Server::start(|_l: TcpListener| async {
        if true {
            panic!("not yet implemented");
        }
    })
    .await
    .unwrap();
    while server.is_running() {
        tokio::task::yield_now().await;
    }
    let Err(Failure::Fail(message)) = server.connect().await else {
        panic!("expected a failure")
    };
    assert!(message.contains("the server stopped: it panicked"), "{message}");
}

/// A client of `serve` that never reads nor accepts: its first line times out.
async fn first_line_failure<F, Fut>(serve: F) -> String
where
    F: FnOnce(TcpListener) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: Debug + Send,
{
    let server = Server::start(serve).await.unwrap();
    let mut client = server.connect().await.unwrap();
    client.send(b"hello\r\n").await.unwrap();
    tokio::time::pause();
    let Err(Failure::Timeout(message)) = client.read_line().await else {
        panic!("expected a timeout")
    };
    message
}

fn says_never_accepted(message: &str) -> bool {
    message.contains("the server never accepted this connection on the listener it was given")
}

// The accept queue's length is asked of Linux only: elsewhere there is no note.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_server_that_binds_its_own_port_is_told_so() {
    let message = first_line_failure(|given: TcpListener| async move {
        // The learner's mistake: a port of its own (any, here), the given listener ignored.
        let own = TcpListener::bind("127.0.0.1:0").await?;
        let _ignored = given;
        loop {
            let _ = own.accept().await?;
        }
        #[allow(unreachable_code)]
        Ok::<(), io::Error>(())
    })
    .await;
    assert!(message.starts_with("no reply within 2 s"), "{message}");
    assert!(says_never_accepted(&message), "{message}");
    assert!(message.contains("bind a port of its own"), "{message}");
}

// The accept queue's length is asked of Linux only: elsewhere there is no note.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_server_that_drops_the_listener_is_told_so() {
    let message = first_line_failure(|given: TcpListener| async move {
        drop(given);
        std::future::pending::<()>().await
    })
    .await;
    assert!(says_never_accepted(&message), "{message}");
    assert!(!message.contains("the server stopped"), "{message}");
}

#[tokio::test]
async fn a_slow_server_that_accepted_is_not_told_so() {
    let (accepted, is_accepted) = tokio::sync::oneshot::channel();
    let server = Server::start(|l: TcpListener| async move {
        let (mut s, _) = l.accept().await?;
        let _ = accepted.send(());
        tokio::time::sleep(Duration::from_secs(5)).await;
        s.write_all(b"late\r\n").await
    })
    .await
    .unwrap();
    let mut client = server.connect().await.unwrap();
    client.send(b"hello\r\n").await.unwrap();
    is_accepted.await.unwrap();
    tokio::time::pause();
    let Err(Failure::Timeout(message)) = client.read_line().await else {
        panic!("expected a timeout")
    };
    assert_eq!(message, "no reply within 2 s; got so far b\"\"");
    assert!(!server.never_accepted());
}

// The accept queue's length is asked of Linux only: elsewhere there is no note.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_check_own_failure_is_explained_once() {
    let server = Server::start(|given: TcpListener| async move {
        let _ignored = given;
        std::future::pending::<()>().await
    })
    .await
    .unwrap();
    let mut client = server.connect().await.unwrap();
    assert_eq!(server.waiting(), Some(1));
    assert!(server.never_accepted());
    let notes = |failure: Failure| {
        let (Failure::Fail(m) | Failure::Timeout(m)) = failure;
        m.matches("the server never accepted").count()
    };
    // A check's own conclusion gets the note once, however often it is explained.
    let own = server.explain(Failure::Fail("expected a task per client".into()));
    assert_eq!(notes(server.explain(own)), 1);
    // So does a client's failure that the check explains again.
    tokio::time::pause();
    let failed = client.read_line().await.unwrap_err();
    assert_eq!(notes(server.explain(failed)), 1);
}

#[tokio::test]
async fn a_client_without_a_server_adds_no_note() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = Client::connect(listener.local_addr().unwrap()).await.unwrap();
    tokio::time::pause();
    let Err(Failure::Timeout(message)) = client.read_line().await else {
        panic!("expected a timeout")
    };
    assert_eq!(message, "no reply within 2 s; got so far b\"\"");
}
