//! Q3, `NamesFactory`: protocols built and driven directly, as a glue would, each with its own
//! transport. No socket, and no need for Q1's glue.

use challenge::names::NamesFactory;
use challenge::twisted::{Factory, Outbox, Protocol, Reason, Transport};
use harness::{Outcome, fail, show_bytes};

/// One connection of a factory under test.
struct Conn {
    name: String,
    protocol: Box<dyn Protocol>,
    outbox: Outbox,
}

impl Conn {
    fn written(&mut self) -> Vec<u8> {
        let mut all = Vec::new();
        while let Some(data) = self.outbox.writes.try_next() {
            all.extend(data);
        }
        all
    }

    /// Feeds chunks and expects exactly `answer` written in return (after the last one).
    fn feed(&mut self, chunks: &[&[u8]], answer: &[u8], context: &str) -> Outcome {
        for chunk in chunks {
            self.protocol.data_received(chunk);
        }
        let got = self.written();
        if got == answer {
            return Ok(());
        }
        let shown: Vec<String> = chunks.iter().map(|c| show_bytes(c)).collect();
        fail(format!(
            "{context}: connection {} was fed {}; expected {}, got {}",
            self.name,
            shown.join(", "),
            show_bytes(answer),
            show_bytes(&got)
        ))
    }

    fn lose(&mut self, reason: Reason) {
        self.protocol.connection_lost(reason);
    }
}

/// The letter the `n`th connection (from 0) is named.
fn letter(n: usize) -> String {
    char::from(b'A' + (n % 26) as u8).to_string()
}

/// Builds and makes `count` connections of `factory`; expects each one told its name.
fn connect(factory: &NamesFactory, made: &mut usize, count: usize) -> Outcome<Vec<Conn>> {
    let mut conns = Vec::new();
    for _ in 0..count {
        let peer = ([127, 0, 0, 1], 40000 + *made as u16).into();
        let (transport, outbox) = Transport::new(peer);
        let mut protocol = factory.build_protocol(peer);
        protocol.connection_made(transport);
        let name = letter(*made);
        let mut conn = Conn {
            name: format!("#{} ", *made + 1),
            protocol,
            outbox,
        };
        let expected = format!("You are {name}\r\n");
        let got = conn.written();
        if got != expected.as_bytes() {
            return fail(format!(
                "expected connection #{} of a new factory to be told {}, got {}{}",
                *made + 1,
                show_bytes(expected.as_bytes()),
                show_bytes(&got),
                if *made == 0 && got.starts_with(b"You are ") && got != b"You are A\r\n" {
                    " (is the count kept in a `static`, shared by every factory, instead of in the factory?)"
                } else {
                    ""
                }
            ));
        }
        conn.name = name;
        *made += 1;
        conns.push(conn);
    }
    Ok(conns)
}

fn who_answer(names: &[&str]) -> Vec<u8> {
    format!("{}\r\n", names.join(",")).into_bytes()
}

pub(crate) async fn names() -> Outcome {
    let factory = NamesFactory::new();
    let mut made = 0;
    connect(&factory, &mut made, 3)?;
    built_before_made()
}

/// A glue may build several protocols before it makes them (connections accepted together, their
/// tasks run in any order), or build one and never make it: the name follows `connection_made`.
fn built_before_made() -> Outcome {
    let factory = NamesFactory::new();
    let peer = |n: u16| ([127, 0, 0, 1], 41000 + n).into();
    let mut first = factory.build_protocol(peer(1));
    let never_made = factory.build_protocol(peer(2));
    let mut third = factory.build_protocol(peer(3));
    drop(never_made);
    let context = "a new factory built protocols #1, #2 and #3, dropped #2 unmade, then made #3 \
                   and #1, in that order";
    for (protocol, which, name) in [(&mut third, 3usize, "A"), (&mut first, 1, "B")] {
        let (transport, mut outbox) = Transport::new(peer(which as u16));
        protocol.connection_made(transport);
        let mut got = Vec::new();
        while let Some(data) = outbox.writes.try_next() {
            got.extend(data);
        }
        let expected = format!("You are {name}\r\n");
        let built_order = format!("You are {}\r\n", letter(which - 1));
        if got != expected.as_bytes() {
            fail!(
                "{context}: expected #{which} told {}, got {}{}",
                show_bytes(expected.as_bytes()),
                show_bytes(&got),
                if got == built_order.as_bytes() {
                    ": connections are named in the order they are made (`connection_made`), not \
                     built; a protocol never made takes no name"
                } else {
                    " (is the count kept in a `static`, shared by every factory, instead of in the \
                     factory?)"
                }
            );
        }
    }
    Ok(())
}

pub(crate) async fn wrap() -> Outcome {
    let factory = NamesFactory::new();
    let mut made = 0;
    let mut conns = connect(&factory, &mut made, 28)?;
    let all: Vec<String> = (0..28).map(letter).collect();
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    conns[27].feed(
        &[b"who\r\n"],
        &who_answer(&all),
        "28 connections live (the 27th is A again)",
    )
}

pub(crate) async fn who() -> Outcome {
    let factory = NamesFactory::new();
    let mut made = 0;
    let mut conns = connect(&factory, &mut made, 3)?;
    let abc = who_answer(&["A", "B", "C"]);
    let context = "A, B and C live";
    conns[1].feed(&[b"who\r\n"], &abc, context)?;
    conns[0].feed(&[b"who\n"], &abc, context)?;
    conns[2].feed(&[b"w", b"h", b"o\r", b"\n"], &abc, context)?;
    conns[2].feed(&[b"  who \t\r\n"], &abc, context)?;
    let twice = [abc.clone(), abc.clone()].concat();
    conns[1].feed(&[b"who\nwho\n"], &twice, context)?;
    conns[0].feed(&[b"hello\r\n", b"WHO\r\n", b"whom\r\n", b"\r\n"], b"", context)?;
    conns[1].feed(
        &[b"\x0c who\x0c\r\n"],
        &abc,
        "form feeds around `who` (ASCII whitespace)",
    )?;
    // Only ASCII whitespace is trimmed: a no-break space, an em space or U+0085 is part of the line.
    let unicode: [&[u8]; 3] = [b"who\xc2\xa0\r\n", b"\xe2\x80\x83who\n", b"who\xc2\x85\n"];
    let context = "A, B and C live; around `who`, whitespace that is not ASCII (no `who`: only ASCII \
                   whitespace is trimmed, `str::trim` trims more)";
    for line in unicode {
        conns[0].feed(&[line], b"", context)?;
    }
    conns[0].feed(&[b"who"], b"", context)?;
    conns[0].feed(&[b"\r\n"], &abc, context)?;
    let long = vec![b'x'; 1024 * 1024];
    conns[1].feed(&[&long, b"\r\nwho\r\n"], &abc, "after a line of 1 MiB")?;
    // A line is kept to 64 KiB: a longer one is no `who`, whatever it holds.
    let blanks = vec![b' '; 1024 * 1024];
    let context = "a line of 1 MiB of spaces around `who` is longer than 64 KiB: no `who`";
    conns[2].feed(&[&blanks, b"who\r\n"], b"", context)?;
    conns[2].feed(&[b"who", &blanks, b"\r\n"], b"", context)?;
    let some = vec![b' '; 60_000];
    conns[2].feed(
        &[&some, b"who", &some[..1000], b"\r\n"],
        &abc,
        "a line of 61 KB: `who` and spaces",
    )?;
    crate::memory::endless_line(conns[0].protocol.as_mut()).or_else(fail)?;
    conns[0].feed(&[b"\nwho\n"], &abc, "after a line of 4 MiB")
}

pub(crate) async fn live_set() -> Outcome {
    let factory = NamesFactory::new();
    let mut made = 0;
    let mut conns = connect(&factory, &mut made, 4)?;
    conns[1].lose(Reason::Done);
    conns[2].lose(Reason::Lost(std::io::ErrorKind::ConnectionReset.into()));
    let context = "A, B, C, D made, B closed and C reset";
    conns[0].feed(&[b"who\r\n"], &who_answer(&["A", "D"]), context)?;
    let mut later = connect(&factory, &mut made, 1)?;
    let context = "then E made";
    later[0].feed(&[b"who\r\n"], &who_answer(&["A", "D", "E"]), context)?;
    conns[0].lose(Reason::Done);
    conns[3].feed(&[b"who\r\n"], &who_answer(&["D", "E"]), "then A closed")
}

pub(crate) async fn own_state() -> Outcome {
    let first = NamesFactory::new();
    let second = NamesFactory::new();
    let (mut one, mut two) = (0, 0);
    let mut a1 = connect(&first, &mut one, 2)?;
    let mut a2 = connect(&second, &mut two, 1)?;
    a2[0].feed(
        &[b"who\r\n"],
        &who_answer(&["A"]),
        "a second factory with one connection",
    )?;
    a1[1].feed(
        &[b"who\r\n"],
        &who_answer(&["A", "B"]),
        "the first factory, beside a second one",
    )
}
