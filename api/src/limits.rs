//! What keeps one replica bounded under load: the per-caller rate limiter (pruned on a timer,
//! so its memory follows the number of *recent* callers, not of all callers ever seen) and the
//! cap on GraphQL requests in flight (the excess waits briefly, then gets an honest 503).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Weak};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter as Governor};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::Config;

/// The key a caller is counted under.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CallerKey {
    /// A token's subject.
    Subject(String),
    /// A client address; IPv6 addresses count by their /64 network, which one client holds
    /// whole (counting single addresses would let it rotate through 2^64 keys).
    Address(IpAddr),
    /// No address known (in-process calls).
    Unknown,
}

impl CallerKey {
    /// The key of a client address.
    pub fn address(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => CallerKey::Address(IpAddr::V4(v4)),
                None => {
                    let bits = u128::from(v6) & !((1u128 << 64) - 1);
                    CallerKey::Address(IpAddr::V6(bits.into()))
                }
            },
            v4 => CallerKey::Address(v4),
        }
    }
}

/// A keyed rate limiter with a steady rate per minute and a burst.
pub struct RateLimit {
    limiter: Governor<
        CallerKey,
        DefaultKeyedStateStore<CallerKey>,
        DefaultClock,
        StateInformationMiddleware,
    >,
    burst: u32,
    /// Time for one request's allowance to come back.
    interval: Duration,
}

/// What a caller has left, for the `RateLimit` and `RateLimit-Policy` headers
/// (draft-ietf-httpapi-ratelimit-headers): the policy is `burst` requests per `window`, of
/// which `remaining` are left, all back in `reset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// Requests the caller may send at once.
    pub burst: u32,
    /// The window in which `burst` requests come back.
    pub window: Duration,
    /// Requests left now.
    pub remaining: u32,
    /// Time until the whole burst is back.
    pub reset: Duration,
}

impl Allowance {
    /// The `RateLimit-Policy` header value.
    pub fn policy_header(&self) -> String {
        format!(
            "\"per-caller\";q={};w={}",
            self.burst,
            self.window.as_secs().max(1)
        )
    }

    /// The `RateLimit` header value.
    pub fn state_header(&self) -> String {
        format!(
            "\"per-caller\";r={};t={}",
            self.remaining,
            self.reset.as_secs_f64().ceil() as u64
        )
    }
}

impl RateLimit {
    /// The limiter of `config`, or `None` when rate limiting is off. When a Tokio runtime is
    /// running, a task prunes idle entries every `rate_limit_prune_secs`; it ends with the
    /// limiter.
    pub fn from_config(config: &Config) -> Option<Arc<Self>> {
        let rate = NonZeroU32::new(config.rate_limit_per_minute)?;
        let burst = NonZeroU32::new(config.rate_limit_burst).unwrap_or(rate);
        let quota = Quota::per_minute(rate).allow_burst(burst);
        let limit = Arc::new(RateLimit {
            limiter: Governor::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            burst: burst.get(),
            interval: quota.replenish_interval(),
        });
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let every = Duration::from_secs(config.rate_limit_prune_secs);
            runtime.spawn(prune_every(Arc::downgrade(&limit), every));
        }
        Some(limit)
    }

    /// Counts `n` requests against `key`: what is left, or `Err(wait)` when over the limit,
    /// with how long to wait before `n` requests would be let through.
    pub fn check(&self, key: &CallerKey, n: usize) -> Result<Allowance, Duration> {
        let n = NonZeroU32::new(u32::try_from(n).unwrap_or(u32::MAX)).unwrap_or(NonZeroU32::MIN);
        match self.limiter.check_key_n(key, n) {
            Ok(Ok(snapshot)) => {
                let remaining = snapshot.remaining_burst_capacity().min(self.burst);
                Ok(Allowance {
                    burst: self.burst,
                    window: self.interval * self.burst,
                    remaining,
                    reset: self.interval * (self.burst - remaining),
                })
            }
            Ok(Err(not_until)) => Err(not_until.wait_time_from(DefaultClock::default().now())),
            // More than the whole burst at once can never pass: wait a minute.
            Err(_) => Err(Duration::from_secs(60)),
        }
    }

    /// The allowance of a caller that has just been refused.
    pub fn exhausted(&self, wait: Duration) -> Allowance {
        Allowance {
            burst: self.burst,
            window: self.interval * self.burst,
            remaining: 0,
            reset: wait,
        }
    }

    /// Forgets callers whose allowance is full again (they would be treated as new anyway).
    pub fn prune(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }

    /// How many callers the limiter holds now.
    pub fn len(&self) -> usize {
        self.limiter.len()
    }

    /// Whether the limiter holds no caller.
    pub fn is_empty(&self) -> bool {
        self.limiter.is_empty()
    }
}

async fn prune_every(limit: Weak<RateLimit>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let Some(limit) = limit.upgrade() else { return };
        limit.prune();
    }
}

/// The cap on GraphQL requests executing at once.
pub struct InFlight {
    places: Arc<Semaphore>,
    wait: Duration,
}

impl InFlight {
    /// `max` places; a request waits up to `wait` for one.
    pub fn new(max: usize, wait: Duration) -> Self {
        InFlight {
            places: Arc::new(Semaphore::new(max)),
            wait,
        }
    }

    /// A place, held until the permit drops; `None` when none freed up in time.
    pub async fn enter(&self) -> Option<OwnedSemaphorePermit> {
        if let Ok(permit) = self.places.clone().try_acquire_owned() {
            return Some(permit);
        }
        tokio::time::timeout(self.wait, self.places.clone().acquire_owned())
            .await
            .ok()
            .and_then(Result::ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1"
            .parse()
            .unwrap_or(IpAddr::V4([0; 4].into()));
        let b: IpAddr = "2001:db8:1:2:bbbb::9"
            .parse()
            .unwrap_or(IpAddr::V4([0; 4].into()));
        let c: IpAddr = "2001:db8:1:3::1"
            .parse()
            .unwrap_or(IpAddr::V4([0; 4].into()));
        assert_eq!(CallerKey::address(a), CallerKey::address(b));
        assert_ne!(CallerKey::address(a), CallerKey::address(c));
        let mapped: IpAddr = "::ffff:192.0.2.7"
            .parse()
            .unwrap_or(IpAddr::V4([0; 4].into()));
        assert_eq!(
            CallerKey::address(mapped),
            CallerKey::Address(IpAddr::V4([192, 0, 2, 7].into()))
        );
    }
}
