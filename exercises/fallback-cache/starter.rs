//! Serve stale rather than nothing. The task is in the pane beside the editor.

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
