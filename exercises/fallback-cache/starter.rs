//! # Serve stale rather than nothing
//!
//! The product page shows a price, stock, reviews and recommendations, each from a
//! different service. When the recommendation service times out, should the page fail?
//! Of course not: show the page without recommendations. And when the *price* service
//! blips for thirty seconds? Showing the price from two minutes ago, with a small "may
//! be out of date" note, beats an error page, and a page that waits for a dead service
//! holds a thread, which is how one slow dependency starts a cascade.
//!
//! That is a fallback: a planned answer for when the real one is not available. Here
//! you build the most useful kind, a cache that keeps serving data after it goes stale,
//! but only up to a limit: a price from two minutes ago is fine, one from last week is
//! a lie. Past the limit, a configured default (say, an empty list of recommendations)
//! or an honest error is better than very old data.
//!
//! Two ages matter:
//! - `fresh_ms`: younger than this, the cache answers on its own; the dependency is not
//!   even asked (that is plain caching: less load, faster answers).
//! - `max_stale_ms`: when the dependency fails, an entry up to this age (inclusive) may
//!   still be served, marked `Stale` so the caller can say so on screen.
//!
//! Rules for `get(key, now_ms, fetch)`:
//! 1. An entry with age < `fresh_ms` -> `Cached`, without calling `fetch`.
//! 2. Otherwise call `fetch`. On success store the value (age 0 from now) -> `Live`.
//! 3. On failure: an entry with age <= `max_stale_ms` -> `Stale { age_ms }`;
//!    else the default if there is one -> `Default`;
//!    else `Err(Unavailable { error, stale_age_ms })`, telling how old the entry we
//!    refused to serve was (`None` when there was none).
//! A failed fetch leaves the stored entry exactly as it was. In particular it must not
//! refresh the entry's time: that bug makes old data look new forever.
//! Ages use the injected `now_ms`; an entry "from the future" (clock skew) has age 0.
//!
//! The `Source` tells the caller *where* the value came from. Do not throw that away:
//! the UI shows it, and your metrics should count how often you served stale data.

use std::collections::HashMap;

/// Where a served value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Just fetched from the dependency.
    Live,
    /// From the cache, young enough that the dependency was not asked.
    Cached,
    /// From the cache after the dependency failed; this old.
    Stale { age_ms: u64 },
    /// The configured default, after the dependency failed and nothing usable was cached.
    Default,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Served<V> {
    pub value: V,
    pub source: Source,
}

/// The dependency failed and there was nothing acceptable to fall back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    /// The dependency's error.
    pub error: String,
    /// Age of the cached entry that was too old to serve, if there was one.
    pub stale_age_ms: Option<u64>,
}

#[derive(Debug, Clone)]
struct Entry<V> {
    value: V,
    stored_at_ms: u64,
}

#[derive(Debug)]
pub struct FallbackCache<V> {
    fresh_ms: u64,
    max_stale_ms: u64,
    default: Option<V>,
    entries: HashMap<String, Entry<V>>,
}

impl<V: Clone> FallbackCache<V> {
    pub fn new(fresh_ms: u64, max_stale_ms: u64) -> FallbackCache<V> {
        FallbackCache {
            fresh_ms,
            max_stale_ms,
            default: None,
            entries: HashMap::new(),
        }
    }

    /// The value to serve when the dependency fails and nothing usable is cached.
    pub fn with_default(mut self, value: V) -> FallbackCache<V> {
        self.default = Some(value);
        self
    }

    /// How many keys have a cached value.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value for `key`: cached, live, stale, or default, following rules 1 to 3.
    pub fn get(
        &mut self,
        key: &str,
        now_ms: u64,
        fetch: impl FnOnce() -> Result<V, String>,
    ) -> Result<Served<V>, Unavailable> {
        todo!("fresh cache hit, else fetch, else fall back (stale within limit, default, error)")
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    #[test]
    fn a_fresh_entry_is_served_without_asking() {
        let mut cache = FallbackCache::new(1_000, 60_000);
        cache.get("price", 0, || Ok(19.99)).unwrap();
        let served = cache
            .get("price", 500, || panic!("fresh: must not fetch"))
            .unwrap();
        assert_eq!(
            served,
            Served {
                value: 19.99,
                source: Source::Cached
            }
        );
    }

    #[test]
    fn a_stale_entry_is_served_when_the_dependency_fails() {
        let mut cache = FallbackCache::new(1_000, 60_000);
        cache.get("price", 0, || Ok(19.99)).unwrap();
        let served = cache
            .get("price", 30_000, || Err("timeout".to_string()))
            .unwrap();
        assert_eq!(
            served,
            Served {
                value: 19.99,
                source: Source::Stale { age_ms: 30_000 }
            }
        );
    }
}
