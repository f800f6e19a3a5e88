//! The simulated network keeps its promises: fates follow from the seed alone, faults happen at
//! their rates, time is the runtime's (paused) clock, and a long unrecorded run keeps memory flat.

use harness::memory::{self, Counting};
use harness::netsim::{Endpoint, Fate, Faults, Network, Record};
use std::time::Duration;

#[global_allocator]
static ALLOC: Counting = Counting;

fn paused() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

/// Sends `n` distinct datagrams from A to B, one a millisecond, reads what arrives until the
/// network is quiet, and returns the records and the payload numbers in arrival order.
async fn exchange(net: &Network, n: u32) -> (Vec<Record>, Vec<u32>) {
    let (a, b) = (net.endpoint("A"), net.endpoint("B"));
    let to = b.local_addr();
    let reader = tokio::spawn(async move { drain(&b).await });
    for i in 0..n {
        a.send_to(&i.to_be_bytes(), to).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let arrived = reader.await.unwrap();
    (net.records(), arrived)
}

async fn drain(b: &Endpoint) -> Vec<u32> {
    let mut arrived = Vec::new();
    let mut buf = [0; 16];
    while let Ok(Ok((len, _))) = tokio::time::timeout(Duration::from_secs(1), b.recv_from(&mut buf)).await {
        arrived.push(u32::from_be_bytes(buf[..len].try_into().unwrap()));
    }
    arrived
}

fn fates(records: &[Record]) -> Vec<Fate> {
    records.iter().map(|r| r.fate.clone()).collect()
}

#[test]
fn the_same_seed_gives_the_same_fates() {
    let run = |seed| {
        paused().block_on(async {
            let net = Network::new(seed, Faults::lossy(0.3, 0.1, 0.1));
            let (records, arrived) = exchange(&net, 2_000).await;
            (fates(&records), arrived)
        })
    };
    let first = run(7);
    assert_eq!(first, run(7));
    assert_ne!(first.0, run(8).0);
}

#[test]
fn faults_happen_at_their_rates() {
    paused().block_on(async {
        let net = Network::new(1, Faults::lossy(0.3, 0.1, 0.1));
        let (records, arrived) = exchange(&net, 10_000).await;
        let dropped = records.iter().filter(|r| r.fate == Fate::Dropped).count();
        let twice = records
            .iter()
            .filter(|r| matches!(&r.fate, Fate::Delivered(at) if at.len() == 2))
            .count();
        assert!((2_800..3_200).contains(&dropped), "{dropped} dropped");
        assert!((550..850).contains(&twice), "{twice} duplicated");
        assert_eq!(arrived.len(), 10_000 - dropped + twice);
        let overtaken = arrived.windows(2).filter(|w| w[0] > w[1]).count();
        assert!(overtaken > 1_000, "only {overtaken} reorderings");
    });
}

#[test]
fn a_resent_datagram_gets_a_fresh_fate() {
    paused().block_on(async {
        let net = Network::new(3, Faults::lossy(0.5, 0.0, 0.0));
        let (a, b) = (net.endpoint("A"), net.endpoint("B"));
        for _ in 0..20 {
            a.send_to(b"same", b.local_addr()).await.unwrap();
        }
        let dropped = fates(&net.records())
            .iter()
            .filter(|f| **f == Fate::Dropped)
            .count();
        assert!((3..17).contains(&dropped), "{dropped} of 20 dropped");
    });
}

#[test]
fn delivery_follows_the_virtual_clock() {
    paused().block_on(async {
        let net = Network::new(0, Faults::none());
        let (a, b) = (net.endpoint("A"), net.endpoint("B"));
        tokio::time::sleep(Duration::from_secs(30)).await;
        a.send_to(b"ping", b.local_addr()).await.unwrap();
        let mut buf = [0; 2];
        let (len, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(
            (len, from, &buf),
            (2, a.local_addr(), b"pi"),
            "truncated like UDP"
        );
        assert_eq!(net.elapsed(), Duration::from_millis(30_010));
        let record = &net.records()[0];
        assert_eq!(record.sent_at, Duration::from_secs(30));
        assert_eq!(record.fate, Fate::Delivered(vec![Duration::from_millis(30_010)]));
        assert_eq!(Network::fmt_secs(record.sent_at), "30.0 s");
        assert_eq!(Network::fmt_secs(Duration::from_millis(30_010)), "30.010 s");
        assert_eq!(
            (net.name(a.local_addr()), net.name(b.local_addr())),
            ("A".into(), "B".into())
        );
    });
}

#[test]
fn a_node_down_loses_what_it_sends_and_what_it_is_sent() {
    paused().block_on(async {
        let net = Network::new(0, Faults::none());
        let (a, b) = (net.endpoint("A"), net.endpoint("B"));
        net.set_down(b.local_addr(), true);
        a.send_to(b"to b", b.local_addr()).await.unwrap();
        b.send_to(b"from b", a.local_addr()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        net.set_down(b.local_addr(), false);
        a.send_to(b"again", b.local_addr()).await.unwrap();
        let nowhere = "10.9.9.9:4000".parse().unwrap();
        a.send_to(b"lost", nowhere).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let got = fates(&net.records());
        assert_eq!(got[..2], [Fate::Down, Fate::Down]);
        assert!(matches!(got[2], Fate::Delivered(_)));
        assert_eq!(got[3], Fate::Unbound);

        let restarted = {
            drop(b);
            net.endpoint("B")
        };
        assert_eq!(net.name(restarted.local_addr()), "B", "a name keeps its address");
    });
}

#[test]
fn an_unrecorded_run_keeps_memory_flat() {
    paused().block_on(async {
        let net = Network::new(5, Faults::lossy(0.1, 0.1, 0.1));
        net.set_recording(false);
        let (a, b) = (net.endpoint("A"), net.endpoint("B"));
        let round = async |n: u32| {
            for i in 0..n {
                a.send_to(&i.to_be_bytes(), b.local_addr()).await.unwrap();
            }
            drain(&b).await;
            memory::live_bytes().expect("the counting allocator is installed")
        };
        // The first round leaves the runtime's queues at their high-water mark; the second must
        // not add to it.
        let before = round(20_000).await;
        let after = round(20_000).await;
        let growth = after.saturating_sub(before);
        assert!(growth < 16 * 1024, "grew by {growth} bytes over 20,000 datagrams");
    });
}

#[test]
fn an_endpoint_that_does_not_read_drops_what_overflows_its_queue() {
    paused().block_on(async {
        let net = Network::new(0, Faults::none());
        let (a, b) = (net.endpoint("A"), net.endpoint("B"));
        let extra = 10;
        for i in 0..harness::netsim::QUEUE_CAPACITY as u32 + extra {
            a.send_to(&i.to_be_bytes(), b.local_addr()).await.unwrap();
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let overflowed = fates(&net.records())
            .iter()
            .filter(|f| **f == Fate::Overflow)
            .count();
        assert_eq!(overflowed, extra as usize);
        assert_eq!(drain(&b).await.len(), harness::netsim::QUEUE_CAPACITY);
    });
}
