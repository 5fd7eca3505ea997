//! The contention sweep reproduces the conclusions of Brooker's "Exponential Backoff And
//! Jitter" (2015) on a reduced sweep, and the CLI prints the promised CSV.

use resilience_workbook::cli::sim_backoff::write_csv;
use resilience_workbook::sim::backoff::{Algorithm, SweepRow, sweep};

fn row(rows: &[SweepRow], clients: u32, algorithm: Algorithm) -> SweepRow {
    *rows
        .iter()
        .find(|r| r.clients == clients && r.algorithm == algorithm)
        .expect("the sweep has every point")
}

#[test]
fn full_jitter_does_the_least_work_and_plain_exponential_is_by_far_the_slowest() {
    let counts = [40, 80];
    let rows = sweep(&counts, &Algorithm::ALL, 20, 1).unwrap();
    for clients in counts {
        let full = row(&rows, clients, Algorithm::FullJitter);
        let expo = row(&rows, clients, Algorithm::Exponential);
        for other in Algorithm::ALL {
            if other != Algorithm::FullJitter {
                let o = row(&rows, clients, other);
                assert!(
                    full.mean_calls < o.mean_calls,
                    "{clients} clients: full jitter {} calls vs {} {}",
                    full.mean_calls,
                    other.id(),
                    o.mean_calls
                );
            }
            if other != Algorithm::Exponential {
                let o = row(&rows, clients, other);
                assert!(
                    expo.mean_time_ms > 4.0 * o.mean_time_ms,
                    "{clients} clients: exponential {} ms vs {} {} ms",
                    expo.mean_time_ms,
                    other.id(),
                    o.mean_time_ms
                );
            }
        }
        // Jitter cuts the work of plain exponential backoff by more than half.
        assert!(full.mean_calls < 0.6 * expo.mean_calls);
        // Equal jitter keeps half of each sleep fixed, and pays for it in time.
        let equal = row(&rows, clients, Algorithm::EqualJitter);
        assert!(equal.mean_time_ms > full.mean_time_ms);
    }
}

#[test]
fn without_backoff_the_work_grows_faster_than_the_clients() {
    let rows = sweep(&[20, 80], &[Algorithm::None], 10, 2).unwrap();
    let ratio = rows[1].mean_calls / rows[0].mean_calls;
    assert!(ratio > 8.0, "4x the clients gave {ratio:.1}x the writes");
}

#[test]
fn the_csv_has_the_promised_columns() {
    let rows = sweep(&[10], &Algorithm::ALL, 3, 9).unwrap();
    let mut out = Vec::new();
    write_csv(&mut out, &rows).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "clients,algorithm,mean_calls,mean_time_ms");
    let algorithms: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(
        algorithms,
        [
            "none",
            "exponential",
            "full_jitter",
            "equal_jitter",
            "decorrelated"
        ]
    );
    for line in &lines[1..] {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[0], "10");
        assert!(
            fields[2].parse::<f64>().unwrap() >= 10.0,
            "each client writes at least once"
        );
        assert!(fields[3].parse::<f64>().unwrap() > 0.0);
    }
}

#[test]
fn the_sweep_is_the_same_for_the_same_seed() {
    let a = sweep(&[30], &Algorithm::ALL, 4, 5).unwrap();
    let b = sweep(&[30], &Algorithm::ALL, 4, 5).unwrap();
    assert_eq!(a, b);
}

#[test]
fn the_command_prints_csv_and_refuses_bad_input() {
    let bin = env!("CARGO_BIN_EXE_workbook");
    let dir = tempfile::tempdir().unwrap();
    let ok = std::process::Command::new(bin)
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .args([
            "sim",
            "backoff",
            "--clients",
            "10,20",
            "--runs",
            "2",
            "--seed",
            "4",
        ])
        .output()
        .unwrap();
    assert!(ok.status.success());
    let text = String::from_utf8(ok.stdout).unwrap();
    assert_eq!(text.lines().count(), 1 + 2 * 5);

    let bad = std::process::Command::new(bin)
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .args(["sim", "backoff", "--clients", "10", "--runs", "0"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--runs"));
}

#[test]
fn sweeps_too_large_to_finish_are_refused_with_exit_2() {
    for args in [
        ["--clients", "16777216", "--runs", "1"],
        ["--clients", "100", "--runs", "4294967295"],
        ["--clients", "5000,5000", "--runs", "100"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_workbook"))
            .args(["sim", "backoff"])
            .args(args)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("limit"), "{args:?}: {err}");
    }
}
