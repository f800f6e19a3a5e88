//! Keys for `grader watch`: `q` quits and `m` shows more, on a single key press; and the
//! terminal's size, watched for changes.
//!
//! When stdin is a terminal, it is put in non-canonical mode without echo (termios through
//! `libc`), so a key arrives as it is pressed. Signal keys are turned off too (`ISIG`), so that
//! Ctrl-C arrives as a byte: the terminal is restored first, and then the process group gets the
//! `SIGINT` the terminal would have sent (cargo and compilers stop as they would). The saved
//! settings are restored when the [`Keys`] guard drops, and by a handler on `SIGINT`, `SIGTERM`
//! and `SIGHUP` sent from elsewhere.
//!
//! When stdin is not a terminal (a pipe, as in the kit's tests), a line `q` quits (and so does the
//! end of input: nothing could quit the loop after it), a line `m` shows more.

use std::io::{BufRead, Read};
use std::sync::mpsc::Sender;

/// What a key press (or the terminal) asks for.
pub enum Key {
    Quit,
    /// Show everything, or go back to what fits.
    More,
    /// The terminal changed size: draw again.
    Resized,
}

/// Reads keys on a thread of its own and sends them to `to`; restores the terminal when dropped.
pub struct Keys {
    #[cfg(unix)]
    raw: Option<raw::RawMode>,
}

impl Keys {
    pub fn start<T: From<Key> + Send + 'static>(to: Sender<T>) -> Keys {
        #[cfg(unix)]
        if let Some(raw) = raw::RawMode::enter() {
            std::thread::spawn(move || {
                let mut stdin = std::io::stdin().lock();
                let mut byte = [0u8];
                while let Ok(1) = stdin.read(&mut byte) {
                    match byte[0] {
                        b'q' | b'Q' | 0x04 => break,
                        0x03 => raw::interrupt(),
                        b'm' | b'M' if to.send(Key::More.into()).is_err() => return,
                        _ => {}
                    }
                }
                let _ = to.send(Key::Quit.into());
            });
            return Keys { raw: Some(raw) };
        }
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines() {
                match line {
                    Ok(line) if line.trim().eq_ignore_ascii_case("q") => break,
                    Ok(line) if line.trim().eq_ignore_ascii_case("m") => {
                        if to.send(Key::More.into()).is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
            let _ = to.send(Key::Quit.into());
        });
        Keys {
            #[cfg(unix)]
            raw: None,
        }
    }

    /// True when keys come one press at a time (stdin is a terminal).
    pub fn is_raw(&self) -> bool {
        #[cfg(unix)]
        return self.raw.is_some();
        #[cfg(not(unix))]
        false
    }
}

/// The screen's size in columns and rows: the terminal's (stdout), or `COLUMNS` and `LINES` when
/// stdout is not a terminal and both are set; `None` when neither says (nothing is cut then).
pub fn size() -> Option<(usize, usize)> {
    #[cfg(unix)]
    if let Some(size) = raw::window_size() {
        return Some(size);
    }
    let var = |name| {
        std::env::var(name)
            .ok()?
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0)
    };
    Some((var("COLUMNS")?, var("LINES")?))
}

/// Sends [`Key::Resized`] to `to` whenever [`size`] changes (polled: no signal handler to share with
/// the rest of the process), until `to` is closed.
pub fn watch_size<T: From<Key> + Send + 'static>(to: Sender<T>) {
    std::thread::spawn(move || {
        let mut last = size();
        loop {
            std::thread::sleep(std::time::Duration::from_millis(250));
            let now = size();
            if now != last {
                last = now;
                if to.send(Key::Resized.into()).is_err() {
                    return;
                }
            }
        }
    });
}

/// True when stdout is a terminal (the screen may be cleared).
pub fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

#[cfg(unix)]
mod raw {
    use std::sync::OnceLock;

    /// The settings to restore, readable from a signal handler (set once, before the handler).
    static SAVED: OnceLock<libc::termios> = OnceLock::new();

    pub struct RawMode;

    impl RawMode {
        /// Non-canonical, no echo, no signal keys; `None` when stdin is not a terminal.
        pub fn enter() -> Option<RawMode> {
            // SAFETY: plain calls on file descriptor 0 with a `termios` we own; `signal` installs
            // a handler that only calls async-signal-safe functions (tcsetattr, signal, raise).
            unsafe {
                if libc::isatty(libc::STDIN_FILENO) != 1 {
                    return None;
                }
                let mut saved: libc::termios = std::mem::zeroed();
                if libc::tcgetattr(libc::STDIN_FILENO, &mut saved) != 0 {
                    return None;
                }
                let saved = *SAVED.get_or_init(|| saved);
                for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                    libc::signal(signal, restore_and_reraise as *const () as libc::sighandler_t);
                }
                let mut raw = saved;
                raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG);
                raw.c_cc[libc::VMIN] = 1;
                raw.c_cc[libc::VTIME] = 0;
                if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &raw) != 0 {
                    return None;
                }
            }
            Some(RawMode)
        }
    }

    impl Drop for RawMode {
        fn drop(&mut self) {
            restore();
        }
    }

    fn restore() {
        if let Some(saved) = SAVED.get() {
            // SAFETY: restores settings read from this terminal by `tcgetattr`.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
            }
        }
    }

    /// Columns and rows of the terminal on stdout, if it is one.
    pub fn window_size() -> Option<(usize, usize)> {
        // SAFETY: TIOCGWINSZ fills the `winsize` we own, or fails on a descriptor that is not a
        // terminal.
        let size = unsafe {
            let mut size: libc::winsize = std::mem::zeroed();
            if libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) != 0 {
                return None;
            }
            size
        };
        (size.ws_col > 0 && size.ws_row > 0).then(|| (usize::from(size.ws_col), usize::from(size.ws_row)))
    }

    /// Ctrl-C: the terminal back as it was, then `SIGINT` to the process group, as the terminal
    /// itself would have sent it.
    pub fn interrupt() {
        restore();
        // SAFETY: sends a signal to our own process group.
        unsafe {
            libc::kill(0, libc::SIGINT);
        }
    }

    extern "C" fn restore_and_reraise(signal: libc::c_int) {
        restore();
        // SAFETY: back to the default action and raised again: the process ends as the signal
        // would have ended it.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
}
