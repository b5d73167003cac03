//! A resumable upload of a 1 GiB sparse file to the in-process server (which writes it to a
//! temporary directory, as PeerTube's upload library does): throughput, and the process's peak
//! resident memory, client and server together, which must stay under 64 MiB.
//!
//! `cargo bench -p peertube-client-tests --bench upload` (Linux: peak RSS is `VmHWM` in
//! `/proc/self/status`). Not a timed test: it prints figures, and fails only on the memory
//! budget.

#[path = "../tests/support/upload_server.rs"]
#[allow(dead_code)]
mod upload_server;

use std::time::Instant;

use peertube_client::types::VideoUploadRequestResumable;
use peertube_client::{Client, UploadSource};

const SIZE: u64 = 1 << 30;
const BUDGET: u64 = 64 << 20;

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib_per_second(seconds: f64) -> f64 {
    SIZE as f64 / (1 << 20) as f64 / seconds
}

/// Seconds to copy the file in 64 KiB blocks into the temporary directory: what the disk
/// allows, without HTTP.
fn copy_floor(file: &std::path::Path) -> std::io::Result<f64> {
    use std::io::{Read, Write};
    let copy = file.with_extension("copy");
    let started = Instant::now();
    let (mut from, mut to) = (std::fs::File::open(file)?, std::fs::File::create(&copy)?);
    let mut block = vec![0u8; 64 * 1024];
    loop {
        let n = from.read(&mut block)?;
        if n == 0 {
            break;
        }
        to.write_all(&block[..n])?;
    }
    let seconds = started.elapsed().as_secs_f64();
    std::fs::remove_file(copy)?;
    Ok(seconds)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench`; nothing to filter.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let file =
        std::env::temp_dir().join(format!("peertube-upload-bench-{}.mp4", std::process::id()));
    std::fs::File::create(&file)?.set_len(SIZE)?;
    let before = status_kib("VmRSS:").unwrap_or(0);
    println!("resumable upload of a 1 GiB sparse file to the in-process server");
    println!("RSS before: {:.1} MiB", before as f64 / 1024.0);
    println!(
        "floor, the file copied to the disk the server writes to: {:.0} MiB/s",
        mib_per_second(copy_floor(&file)?)
    );
    for chunk in [None, Some(64 << 20)] {
        let seconds = runtime.block_on(async {
            let server = upload_server::UploadServer::start().await;
            let client = Client::new(&server.url)?;
            let mut upload = client.upload_video(
                UploadSource::path(&file),
                VideoUploadRequestResumable::new("Bench", 1, ""),
            );
            if let Some(chunk) = chunk {
                upload = upload.chunk_size(chunk);
            }
            let started = Instant::now();
            upload.await?;
            let seconds = started.elapsed().as_secs_f64();
            let stored = std::fs::metadata(&server.finished()[0].file)?.len();
            assert_eq!(stored, SIZE, "the server stored every byte");
            Ok::<_, Box<dyn std::error::Error>>(seconds)
        })?;
        let label = chunk.map_or("8 MiB (default)".to_owned(), |c| format!("{} MiB", c >> 20));
        println!(
            "chunks of {label}: {seconds:.2} s, {:.0} MiB/s",
            mib_per_second(seconds)
        );
    }
    std::fs::remove_file(&file)?;
    let peak = status_kib("VmHWM:").ok_or("no VmHWM in /proc/self/status (Linux only)")? * 1024;
    println!(
        "peak RSS (client and server): {:.1} MiB",
        peak as f64 / (1 << 20) as f64
    );
    if peak >= BUDGET {
        return Err(format!("peak RSS {peak} bytes is over the budget of {BUDGET}").into());
    }
    Ok(())
}
