//! The terminal for `grader watch`, through crossterm: `q` quits and `m` shows more on a single key
//! press, a resize asks for a redraw, and the screen's size.
//!
//! When stdin is a terminal, crossterm's raw mode delivers each key as it is pressed, and its event
//! reader the resizes. Raw mode also stops the terminal from starting a new line at `\n`, so
//! everything watch prints goes through [`Keys::print`], which writes `\r\n`. Ctrl-C arrives as a
//! key: the terminal is restored first, and then the process group gets the `SIGINT` the terminal
//! would have sent (cargo and compilers stop as they would). The terminal is restored when [`Keys`]
//! drops, and on `SIGTERM` and `SIGHUP` sent from elsewhere (a signal-hook thread).
//!
//! When stdin is not a terminal (a pipe, as in the kit's tests), a line `q` quits (and so does the
//! end of input: nothing could quit the loop after it), a line `m` shows more; the size is the
//! terminal's on stdout, polled, or `COLUMNS` × `LINES`.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::io::{BufRead, IsTerminal, Write};
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
    raw: bool,
}

impl Keys {
    pub fn start<T: From<Key> + Send + 'static>(to: Sender<T>) -> Keys {
        if std::io::stdin().is_terminal() && crossterm::terminal::enable_raw_mode().is_ok() {
            restore_on_signals();
            std::thread::spawn(move || {
                while let Ok(event) = crossterm::event::read() {
                    let key = match event {
                        Event::Key(KeyEvent {
                            code,
                            modifiers,
                            kind: KeyEventKind::Press,
                            ..
                        }) => match (code, modifiers.contains(KeyModifiers::CONTROL)) {
                            (KeyCode::Char('c'), true) => {
                                interrupt();
                                continue;
                            }
                            (KeyCode::Char('q' | 'Q'), _) | (KeyCode::Char('d'), true) => break,
                            (KeyCode::Char('m' | 'M'), _) => Key::More,
                            _ => continue,
                        },
                        Event::Resize(..) => Key::Resized,
                        _ => continue,
                    };
                    if to.send(key.into()).is_err() {
                        return;
                    }
                }
                let _ = to.send(Key::Quit.into());
            });
            return Keys { raw: true };
        }
        if std::io::stdout().is_terminal() {
            poll_size(to.clone());
        }
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines() {
                let key = match line {
                    Ok(line) if line.trim().eq_ignore_ascii_case("q") => break,
                    Ok(line) if line.trim().eq_ignore_ascii_case("m") => Key::More,
                    Ok(_) => continue,
                    Err(_) => break,
                };
                if to.send(key.into()).is_err() {
                    return;
                }
            }
            let _ = to.send(Key::Quit.into());
        });
        Keys { raw: false }
    }

    /// True when keys come one press at a time (stdin is a terminal).
    pub fn is_raw(&self) -> bool {
        self.raw
    }

    /// Prints `text` (ANSI styles dropped when stdout is not a terminal), with `\r\n` in raw mode.
    pub fn print(&self, text: &str) {
        let text = if self.raw {
            text.replace('\n', "\r\n")
        } else {
            text.to_owned()
        };
        anstream::print!("{text}");
        let _ = std::io::stdout().flush();
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        if self.raw {
            let _ = crossterm::terminal::disable_raw_mode();
        }
    }
}

/// The screen's size in columns and rows: the terminal's (stdout), or `COLUMNS` and `LINES` when
/// stdout is not a terminal and both are set; `None` when neither says (nothing is cut then).
pub fn size() -> Option<(usize, usize)> {
    if std::io::stdout().is_terminal()
        && let Ok((columns, rows)) = crossterm::terminal::size()
        && columns > 0
        && rows > 0
    {
        return Some((usize::from(columns), usize::from(rows)));
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

/// Sends [`Key::Resized`] whenever [`size`] changes, for a terminal whose keys do not come through
/// crossterm (stdin is a pipe), until `to` is closed.
fn poll_size<T: From<Key> + Send + 'static>(to: Sender<T>) {
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

/// Ctrl-C: the terminal back as it was, then `SIGINT` to the process group, as the terminal itself
/// would have sent it.
fn interrupt() {
    let _ = crossterm::terminal::disable_raw_mode();
    // SAFETY: sends a signal to our own process group.
    unsafe {
        libc::kill(0, libc::SIGINT);
    }
}

/// On `SIGTERM` or `SIGHUP`: the terminal back as it was, then the signal's default action (the
/// process ends as the signal would have ended it).
fn restore_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _ = crossterm::terminal::disable_raw_mode();
            let _ = signal_hook::low_level::emulate_default_handler(signal);
        }
    });
}

/// True when stdout is a terminal (the screen may be cleared).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}
