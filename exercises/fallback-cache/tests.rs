use super::*;

fn fail() -> Result<f64, String> {
    Err("price service timed out".to_string())
}

fn unavailable(stale_age_ms: Option<u64>) -> Unavailable {
    Unavailable {
        error: "price service timed out".to_string(),
        stale_age_ms,
    }
}

#[test]
fn a_miss_fetches_stores_and_serves_live() {
    let mut cache = FallbackCache::new(1_000, 60_000);
    ::core::assert!(cache.is_empty());
    let served = cache.get("price", 100, || Ok(9.5)).unwrap();
    ::core::assert_eq!(
        served,
        Served {
            value: 9.5,
            source: Source::Live
        }
    );
    ::core::assert_eq!(cache.len(), 1, "a successful fetch must be cached");
}

#[test]
fn fresh_means_younger_than_fresh_ms() {
    let mut cache = FallbackCache::new(1_000, 60_000);
    cache.get("price", 0, || Ok(1.0)).unwrap();
    let hit = cache
        .get("price", 999, || ::core::panic!("age 999 < 1000: must not fetch"))
        .unwrap();
    ::core::assert_eq!(hit.source, Source::Cached);
    let refreshed = cache.get("price", 1_000, || Ok(2.0)).unwrap();
    ::core::assert_eq!(
        refreshed,
        Served {
            value: 2.0,
            source: Source::Live
        },
        "at age == fresh_ms the entry is no longer fresh: ask the dependency"
    );
}

#[test]
fn a_successful_refresh_restarts_the_age() {
    let mut cache = FallbackCache::new(1_000, 5_000);
    cache.get("price", 0, || Ok(1.0)).unwrap();
    cache.get("price", 4_000, || Ok(2.0)).unwrap();
    let served = cache.get("price", 8_000, fail).unwrap();
    ::core::assert_eq!(
        served,
        Served {
            value: 2.0,
            source: Source::Stale { age_ms: 4_000 }
        },
        "the age counts from the last successful fetch"
    );
}

#[test]
fn stale_is_served_up_to_and_including_max_stale() {
    let mut cache = FallbackCache::new(1_000, 60_000);
    cache.get("price", 0, || Ok(1.0)).unwrap();
    let served = cache.get("price", 60_000, fail).unwrap();
    ::core::assert_eq!(
        served,
        Served {
            value: 1.0,
            source: Source::Stale { age_ms: 60_000 }
        }
    );
}

#[test]
fn too_old_data_is_refused_with_its_age() {
    let mut cache = FallbackCache::new(1_000, 60_000);
    cache.get("price", 0, || Ok(1.0)).unwrap();
    let result = cache.get("price", 60_001, fail);
    ::core::assert_eq!(
        result,
        Err(unavailable(Some(60_001))),
        "past max_stale_ms the old value is a lie: report the error and how old the entry was"
    );
}

#[test]
fn a_failure_with_nothing_cached_is_an_error_without_age() {
    let mut cache: FallbackCache<f64> = FallbackCache::new(1_000, 60_000);
    ::core::assert_eq!(cache.get("price", 0, fail), Err(unavailable(None)));
    ::core::assert!(cache.is_empty(), "a failed fetch stores nothing");
}

#[test]
fn a_failed_fetch_does_not_refresh_the_entry() {
    let mut cache = FallbackCache::new(1_000, 10_000);
    cache.get("price", 0, || Ok(1.0)).unwrap();
    for now in [2_000, 4_000, 6_000, 8_000, 10_000] {
        let served = cache.get("price", now, fail).unwrap();
        ::core::assert_eq!(
            served.source,
            Source::Stale { age_ms: now },
            "at {now} ms the age must still count from 0: failures must not reset it"
        );
    }
    ::core::assert_eq!(
        cache.get("price", 10_001, fail),
        Err(unavailable(Some(10_001)))
    );
}

#[test]
fn a_refused_too_old_entry_is_kept_for_later() {
    let mut cache = FallbackCache::new(1_000, 10_000);
    cache.get("price", 0, || Ok(1.0)).unwrap();
    ::core::assert!(cache.get("price", 50_000, fail).is_err());
    ::core::assert_eq!(
        cache.len(),
        1,
        "refusing to serve an entry is not a reason to delete it"
    );
    ::core::assert_eq!(
        cache.get("price", 60_000, fail),
        Err(unavailable(Some(60_000)))
    );
}

#[test]
fn the_default_is_used_when_nothing_usable_is_cached() {
    let mut cache = FallbackCache::new(1_000, 10_000).with_default(Vec::<String>::new());
    let served = cache.get("recs", 0, || Err("down".to_string())).unwrap();
    ::core::assert_eq!(
        served,
        Served {
            value: ::std::vec![],
            source: Source::Default
        }
    );
    ::core::assert!(
        cache.is_empty(),
        "the default is an answer, not a cache entry"
    );
}

#[test]
fn stale_data_beats_the_default_and_the_default_beats_too_old_data() {
    let mut cache = FallbackCache::new(1_000, 10_000).with_default(::std::vec!["bestsellers".to_string()]);
    cache
        .get("recs", 0, || Ok(::std::vec!["for you".to_string()]))
        .unwrap();
    let stale = cache
        .get("recs", 5_000, || Err("down".to_string()))
        .unwrap();
    ::core::assert_eq!(stale.source, Source::Stale { age_ms: 5_000 });
    ::core::assert_eq!(stale.value, ::std::vec!["for you".to_string()]);
    let fallback = cache
        .get("recs", 20_000, || Err("down".to_string()))
        .unwrap();
    ::core::assert_eq!(
        fallback,
        Served {
            value: ::std::vec!["bestsellers".to_string()],
            source: Source::Default
        }
    );
}

#[test]
fn keys_are_cached_separately() {
    let mut cache = FallbackCache::new(1_000, 10_000);
    cache.get("a", 0, || Ok(1.0)).unwrap();
    ::core::assert_eq!(cache.get("b", 100, fail), Err(unavailable(None)));
    ::core::assert_eq!(cache.get("a", 100, fail).unwrap().source, Source::Cached);
    cache.get("b", 200, || Ok(2.0)).unwrap();
    ::core::assert_eq!(cache.len(), 2);
}

#[test]
fn fresh_ms_zero_always_asks_the_dependency() {
    let mut cache = FallbackCache::new(0, 10_000);
    cache.get("price", 0, || Ok(1.0)).unwrap();
    let mut asked = false;
    let served = cache
        .get("price", 0, || {
            asked = true;
            Ok(2.0)
        })
        .unwrap();
    ::core::assert!(asked, "with fresh_ms = 0 nothing is ever fresh");
    ::core::assert_eq!(
        served,
        Served {
            value: 2.0,
            source: Source::Live
        }
    );
}

#[test]
fn an_entry_from_the_future_has_age_zero() {
    let mut cache = FallbackCache::new(1_000, 10_000);
    cache.get("price", 5_000, || Ok(1.0)).unwrap();
    let served = cache
        .get("price", 4_000, || ::core::panic!("age 0 is fresh"))
        .unwrap();
    ::core::assert_eq!(served.source, Source::Cached);
}

#[test]
fn a_fresh_hit_calls_fetch_zero_times_and_a_miss_exactly_once() {
    let mut cache = FallbackCache::new(1_000, 10_000);
    let mut calls = 0;
    for now in [0, 10, 20, 1_500, 1_600] {
        cache
            .get("price", now, || {
                calls += 1;
                Ok(now as f64)
            })
            .unwrap();
    }
    ::core::assert_eq!(
        calls, 2,
        "fetch at 0 and at 1500; everything else is a fresh hit"
    );
}
