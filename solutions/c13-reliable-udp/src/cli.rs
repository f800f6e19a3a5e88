//! Given: the `rudp` command line.
//!
//! ```text
//! rudp chat --bind 127.0.0.1:9001 --peer 127.0.0.1:9000 [--retry-ms 1000]
//! rudp proxy --listen 127.0.0.1:9000 --forward 127.0.0.1:9002 [--drop 0.3] [--seed 1]
//! ```
//!
//! Two chats that name the proxy as their peer talk through it; the proxy loses a share of the
//! datagrams, and the chats still get every line, once, in order.

use crate::link::Config;
use crate::node::Node;
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::UdpSocket;

#[derive(Parser)]
#[command(
    name = "rudp",
    about = "Reliable messages over UDP: a chat, and a lossy relay to test it"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sends each line of standard input as a message to the peer; prints what arrives.
    Chat {
        /// This node's address.
        #[arg(long)]
        bind: SocketAddr,
        /// The other node (or the proxy in between).
        #[arg(long)]
        peer: SocketAddr,
        /// The retry timeout, in milliseconds.
        #[arg(long, default_value_t = 1000)]
        retry_ms: u64,
    },
    /// Relays datagrams between the first client that writes to it and `--forward`, losing some.
    Proxy {
        #[arg(long)]
        listen: SocketAddr,
        #[arg(long)]
        forward: SocketAddr,
        /// The share of datagrams lost, each way.
        #[arg(long, default_value_t = 0.3)]
        drop: f64,
        /// Seeds which datagrams are lost.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// The `rudp` program: `args` as the shell gives them (the program's name first), then the exit
/// code.
pub fn main(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("rudp: {e}");
            return 1;
        }
    };
    let result = runtime.block_on(async {
        tokio::select! {
            result = run(cli.command) => result,
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("rudp: {e}");
            1
        }
    }
}

async fn run(command: Command) -> std::io::Result<()> {
    match command {
        Command::Chat { bind, peer, retry_ms } => chat(bind, peer, retry_ms).await,
        Command::Proxy {
            listen,
            forward,
            drop,
            seed,
        } => proxy(listen, forward, drop, seed).await,
    }
}

async fn chat(bind: SocketAddr, peer: SocketAddr, retry_ms: u64) -> std::io::Result<()> {
    let config = Config {
        retry_timeout: Duration::from_millis(retry_ms),
        ..Config::default()
    };
    let node = std::sync::Arc::new(Node::new(UdpSocket::bind(bind).await?, config)?);
    println!("chat on {} with {peer}", node.local_addr());
    let printer = {
        let node = node.clone();
        async move {
            loop {
                tokio::select! {
                    Some((data, from)) = node.recv() => println!("{from}: {}", String::from_utf8_lossy(&data)),
                    Some(addr) = node.node_failure() => println!("node failure: {addr} is not answering (still retrying)"),
                    else => break,
                }
            }
        }
    };
    let printer = tokio::spawn(printer);
    // Each line is queued at once (in order) and acknowledged whenever the network lets it.
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut pending = tokio::task::JoinSet::new();
    let mut count = 0;
    while let Some(line) = lines.next_line().await? {
        count += 1;
        let delivery = node.send_message(line.into_bytes(), peer);
        pending.spawn(async move {
            match delivery.await {
                Ok(()) => println!("(line {count} acknowledged)"),
                Err(e) => println!("(line {count} not sent: {e})"),
            }
        });
    }
    pending.join_all().await;
    // Standard input ended: stay a moment to acknowledge the peer's last messages.
    tokio::time::sleep(Duration::from_millis(retry_ms * 2)).await;
    printer.abort();
    Ok(())
}

async fn proxy(listen: SocketAddr, forward: SocketAddr, drop: f64, seed: u64) -> std::io::Result<()> {
    let socket = UdpSocket::bind(listen).await?;
    println!(
        "proxy on {} to {forward}, losing {:.0} % of datagrams",
        socket.local_addr()?,
        drop * 100.0
    );
    let mut client: Option<SocketAddr> = None;
    let mut random = seed.max(1);
    let mut buf = vec![0; 2048];
    loop {
        let (n, from) = socket.recv_from(&mut buf).await?;
        let to = if from == forward {
            match client {
                Some(client) => client,
                None => continue,
            }
        } else {
            client = Some(from);
            forward
        };
        // xorshift64: small, seeded, good enough to pick losses.
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        let kind = match crate::wire::parse(&buf[..n]) {
            Some(crate::wire::Frame::Message { seq, .. }) => format!("W #{seq}"),
            Some(crate::wire::Frame::Ack { seq }) => format!("A #{seq}"),
            None => format!("{n} bytes"),
        };
        if (random >> 11) as f64 / (1u64 << 53) as f64 <= drop {
            println!("dropped {kind} {from} -> {to}");
        } else {
            socket.send_to(&buf[..n], to).await?;
        }
    }
}
