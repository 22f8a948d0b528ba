//! HTTP/1.1 as uvicorn speaks it, on std alone: persistent connections (closed after 5 idle
//! seconds, as uvicorn's keep-alive timeout), and the platform's rudeness after a 500: the
//! connection is not closed politely, the next request on it is answered with a reset.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// uvicorn's default `timeout_keep_alive`.
const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// Requests larger than this are refused (no test needs more; a runaway client must not OOM us).
const MAX_BODY: usize = 8 << 20;

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path without the query.
    pub path: String,
    pub query: String,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// What goes back: status, headers in order, body.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

/// Reads one request; None when the client closed the connection or sent garbage.
fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    if length > MAX_BODY {
        return None;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target, String::new()),
    };
    // Starlette routes on the decoded path: `%2F` in an id is a `/` by then.
    let path = percent_encoding::percent_decode_str(&path)
        .decode_utf8_lossy()
        .into_owned();
    Some(Request {
        method,
        path,
        query,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        422 => "Unprocessable Entity",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

fn write_response(stream: &mut impl Write, response: &Response) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (k, v) in &response.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", response.body.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(&response.body)?;
    stream.flush()
}

/// Makes closing the connection a TCP reset rather than a FIN, as a client reusing the
/// connection after the platform's 500 sees it.
fn reset_on_close(tcp: &TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setsockopt on a socket we own, with a correctly sized linger struct.
    unsafe {
        libc::setsockopt(
            std::os::fd::AsRawFd::as_raw_fd(tcp),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&raw const linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

/// Serves one connection (`stream`: the socket itself, or TLS over it; `tcp`: the socket, for
/// its timeout and reset): requests one after another until the client closes, stays idle for
/// longer than the keep-alive timeout, or asks to close. After a 500 the next request is reset.
pub fn serve(
    stream: impl Read + Write,
    tcp: &TcpStream,
    mut handle: impl FnMut(&Request) -> Response,
) {
    let _ = tcp.set_read_timeout(Some(KEEP_ALIVE));
    let mut reader = BufReader::new(stream);
    let mut poisoned = false;
    loop {
        let Some(request) = read_request(&mut reader) else {
            return;
        };
        if poisoned {
            // Returning drops the socket, which now ends with a reset.
            reset_on_close(tcp);
            return;
        }
        let response = handle(&request);
        std::thread::sleep(response.delay);
        if write_response(reader.get_mut(), &response).is_err() {
            return;
        }
        poisoned = response.status == 500;
        let close = request
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        if close {
            return;
        }
    }
}
