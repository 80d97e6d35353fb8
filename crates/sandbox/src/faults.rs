//! Fault injection in front of the sandbox's services: [`CuttingProxy`], a
//! TCP proxy that cuts a connection after it has carried a given number of
//! response bytes, the way a network or S3 failure ends a body mid-stream.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::{Error, Result};

/// A TCP proxy to `target` on `127.0.0.1:0`. The first `cuts` connections
/// whose responses pass `cut_after` bytes are closed right there; later ones
/// are relayed whole. It stops when dropped.
#[derive(Debug)]
pub struct CuttingProxy {
    addr: SocketAddr,
    cuts_left: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl CuttingProxy {
    /// Starts the proxy (on the current Tokio runtime).
    pub async fn start(target: SocketAddr, cut_after: usize, cuts: usize) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(Error::io("binding the cutting proxy"))?;
        let addr = listener
            .local_addr()
            .map_err(Error::io("the cutting proxy's address"))?;
        let cuts_left = Arc::new(AtomicUsize::new(cuts));
        let left = Arc::clone(&cuts_left);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, target, cut_after, Arc::clone(&left)));
            }
        });
        Ok(Self {
            addr,
            cuts_left,
            task,
        })
    }

    /// `http://127.0.0.1:PORT`, an endpoint URL for clients.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Cuts not made yet.
    pub fn cuts_left(&self) -> usize {
        self.cuts_left.load(Ordering::SeqCst)
    }
}

impl Drop for CuttingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Relays one connection; closes it once its responses pass `cut_after`
/// bytes while cuts are left.
async fn relay(
    client: TcpStream,
    target: SocketAddr,
    cut_after: usize,
    cuts_left: Arc<AtomicUsize>,
) {
    let Ok(server) = TcpStream::connect(target).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let requests = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
    });
    let mut buffer = vec![0u8; 16 * 1024];
    let mut relayed = 0usize;
    loop {
        let n = match server_read.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if relayed + n > cut_after
            && cuts_left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |c| c.checked_sub(1))
                .is_ok()
        {
            // Send what fits under the limit, then hang up mid-response.
            let _ = client_write
                .write_all(&buffer[..cut_after.saturating_sub(relayed)])
                .await;
            break;
        }
        if client_write.write_all(&buffer[..n]).await.is_err() {
            break;
        }
        relayed += n;
    }
    requests.abort();
}
