//! A TCP proxy on loopback that the fault tests control. It forwards everything to a real server and counts the
//! client's turns: each time the client starts sending after the server spoke, on any connection (TLS handshakes
//! and HTTP requests alike). At a chosen turn it cuts the connection, cuts the server's answer, stops forwarding
//! on that connection (a server that no longer answers), or slows the client's bytes to a crawl. It works below
//! TLS, so the studio still checks the real server's certificate.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// Forward everything.
    None,
    /// Close the connection when the client starts turn n (1-based), and again at turn n + 1 (the link is down
    /// for a moment: a request retried at once on a new connection fails too).
    CutAt(usize),
    /// Let turn n reach the server, then close the connection when the server starts answering it: the server
    /// did the work, the client never hears of it.
    CutAnswerTo(usize),
    /// From turn n on, that connection forwards nothing more in either direction and stays open.
    StallAt(usize),
    /// From turn n on, that connection forwards the client's bytes at this many bytes per second.
    SlowAt(usize, usize),
    /// Plain HTTP only: turn n never reaches the server; the proxy answers it with this page (200 OK) and closes.
    AnswerAt(usize, &'static str),
}

#[derive(Clone)]
struct Shared {
    turns: Arc<AtomicUsize>,
    fault: Arc<Mutex<Fault>>,
    fired: Arc<AtomicBool>,
}

pub struct FaultProxy {
    pub port: u16,
    s: Shared,
}

/// What one connection does now: 0 forward, 1 stalled, 2 slowed.
const FORWARD: u8 = 0;
const STALLED: u8 = 1;

impl FaultProxy {
    pub fn start(to: u16) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let s = Shared { turns: Arc::new(AtomicUsize::new(0)), fault: Arc::new(Mutex::new(Fault::None)), fired: Arc::new(AtomicBool::new(false)) };
        let shared = s.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(("127.0.0.1", to)) else { continue };
                let _ = (client.set_nodelay(true), server.set_nodelay(true));
                let conn = Arc::new(Conn { server_spoke: AtomicBool::new(true), turn: AtomicUsize::new(0), mode: AtomicU8::new(FORWARD), rate: AtomicUsize::new(0) });
                let ends = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (sh, cn) = (shared.clone(), conn.clone());
                let ends2 = (ends.0.try_clone().unwrap(), ends.1.try_clone().unwrap());
                std::thread::spawn(move || upstream(client, server, &sh, &cn, ends));
                let (sh, cn) = (shared.clone(), conn);
                std::thread::spawn(move || downstream(s2, c2, &sh, &cn, ends2));
            }
        });
        FaultProxy { port, s }
    }

    /// Arms `fault`; `FaultProxy::turns() + 1` is the next turn.
    pub fn set(&self, fault: Fault) {
        *self.s.fault.lock().unwrap() = fault;
        self.s.fired.store(false, Ordering::SeqCst);
    }

    pub fn turns(&self) -> usize {
        self.s.turns.load(Ordering::SeqCst)
    }

    /// Whether the armed fault happened.
    pub fn fired(&self) -> bool {
        self.s.fired.load(Ordering::SeqCst)
    }
}

struct Conn {
    server_spoke: AtomicBool,
    /// The turn this connection's client is in.
    turn: AtomicUsize,
    mode: AtomicU8,
    rate: AtomicUsize,
}

fn close(ends: &(TcpStream, TcpStream)) {
    let _ = ends.0.shutdown(Shutdown::Both);
    let _ = ends.1.shutdown(Shutdown::Both);
}

fn drain(mut from: TcpStream) {
    let mut sink = [0u8; 16384];
    while matches!(from.read(&mut sink), Ok(n) if n > 0) {}
}

fn upstream(mut from: TcpStream, mut to: TcpStream, s: &Shared, c: &Conn, ends: (TcpStream, TcpStream)) {
    let mut buf = [0u8; 16384];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if c.server_spoke.swap(false, Ordering::SeqCst) {
            let turn = s.turns.fetch_add(1, Ordering::SeqCst) + 1;
            c.turn.store(turn, Ordering::SeqCst);
            match *s.fault.lock().unwrap() {
                Fault::CutAt(t) if t == turn || t + 1 == turn => {
                    s.fired.store(true, Ordering::SeqCst);
                    break;
                }
                Fault::StallAt(t) if t == turn => {
                    s.fired.store(true, Ordering::SeqCst);
                    c.mode.store(STALLED, Ordering::SeqCst);
                }
                Fault::AnswerAt(t, page) if t == turn => {
                    s.fired.store(true, Ordering::SeqCst);
                    let answer = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}", page.len());
                    let mut client = ends.0.try_clone().unwrap();
                    let _ = client.write_all(answer.as_bytes());
                    break;
                }
                Fault::SlowAt(t, rate) if t == turn => {
                    s.fired.store(true, Ordering::SeqCst);
                    c.rate.store(rate, Ordering::SeqCst);
                }
                _ => {}
            }
        }
        if c.mode.load(Ordering::SeqCst) == STALLED {
            return drain(from);
        }
        let rate = c.rate.load(Ordering::SeqCst);
        let ok = if rate == 0 {
            to.write_all(&buf[..n]).is_ok()
        } else {
            buf[..n].chunks(rate.div_ceil(10).max(1)).all(|chunk| {
                std::thread::sleep(Duration::from_millis(100));
                to.write_all(chunk).is_ok()
            })
        };
        if !ok {
            break;
        }
    }
    close(&ends);
}

fn downstream(mut from: TcpStream, mut to: TcpStream, s: &Shared, c: &Conn, ends: (TcpStream, TcpStream)) {
    let mut buf = [0u8; 16384];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if c.mode.load(Ordering::SeqCst) == STALLED {
            return drain(from);
        }
        if let Fault::CutAnswerTo(t) = *s.fault.lock().unwrap() {
            if t == c.turn.load(Ordering::SeqCst) && !s.fired.swap(true, Ordering::SeqCst) {
                break;
            }
        }
        c.server_spoke.store(true, Ordering::SeqCst);
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    close(&ends);
}
