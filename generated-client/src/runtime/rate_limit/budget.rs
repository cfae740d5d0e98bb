//! One client, one budget: the holds after a `429`, the slow-down near a limit, and the requests in flight,
//! shared by every clone and task of a client.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::RETRY_AFTER;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::headers::RateLimit;
use super::held::RateLimitedError;
use super::policy::RateLimitPolicy;
use super::reason::RateLimitReason;
use super::scope::Scope;
use crate::error::{Error, ErrorKind, Result};
use crate::runtime::{HttpMethod, Request, Response, RetryPolicy};

/// The rate-limit state that all requests of one client share.
#[derive(Debug)]
pub(crate) struct Budget {
    policy: RateLimitPolicy,
    state: Mutex<State>,
    /// Whether a hold or a near limit was ever recorded; until then requests skip the state.
    touched: AtomicBool,
    in_flight: Option<Arc<Semaphore>>,
}

#[derive(Debug, Default)]
struct State {
    /// The holds still running. Expired ones are dropped as new ones come.
    holds: Vec<Hold>,
    /// Until when a limit counts as near, after the last response that said so.
    near_until: Option<Instant>,
    /// The earliest time the next request may go while slowed down.
    next_slot: Option<Instant>,
}

/// What a `429` holds back, until when, and the reason it gave.
#[derive(Debug)]
struct Hold {
    scope: Scope,
    until: Instant,
    reason: Option<RateLimitReason>,
}

impl Budget {
    pub(crate) fn new(policy: RateLimitPolicy) -> Budget {
        let in_flight = policy.max_in_flight.map(|most| Arc::new(Semaphore::new(most.max(1))));
        Budget { policy, state: Mutex::new(State::default()), touched: AtomicBool::new(false), in_flight }
    }

    pub(crate) fn policy(&self) -> &RateLimitPolicy {
        &self.policy
    }

    /// Waits until `request` (sent with `method`) may go: past every hold that covers it, then its slot when
    /// slowed down, then a place among the requests in flight, which the returned permit keeps until dropped. A
    /// hold longer than `retry.max_delay` is not waited for: the request fails at once.
    pub(crate) async fn admit(
        &self,
        request: &Request,
        method: HttpMethod,
        retry: &RetryPolicy,
    ) -> Result<Option<OwnedSemaphorePermit>> {
        self.wait_for_holds(request, method, retry).await?;
        if let Some(slot) = self.next_slot() {
            tokio::time::sleep_until(slot.into()).await;
            // A 429 may have come in while this request waited for its slot.
            self.wait_for_holds(request, method, retry).await?;
        }
        let Some(in_flight) = self.in_flight.clone() else {
            return Ok(None);
        };
        // The semaphore is never closed, so acquiring only ends with a permit.
        Ok(in_flight.acquire_owned().await.ok())
    }

    /// How long a hold keeps `request` (sent with `method`) back from now, if one does.
    pub(crate) fn hold(&self, request: &Request, method: HttpMethod) -> Option<Duration> {
        self.longest_hold(request, method).map(|(wait, _)| wait)
    }

    /// The longest hold that covers `request`: how long it lasts from now, and its reason.
    fn longest_hold(&self, request: &Request, method: HttpMethod) -> Option<(Duration, Option<RateLimitReason>)> {
        if !self.touched.load(Ordering::Acquire) {
            return None;
        }
        let now = Instant::now();
        self.lock()
            .holds
            .iter()
            .filter(|hold| hold.until > now && hold.scope.covers(request, method))
            .max_by_key(|hold| hold.until)
            .map(|hold| (hold.until - now, hold.reason.clone()))
    }

    /// Learns from a response to `request` (its `attempts`th send): reports ignored headers and near limits in the
    /// trace, starts the slow-down, and holds what a `429` is about for the wait that `retry` takes for it.
    pub(crate) fn observe(&self, request: &Request, response: &Response, retry: &RetryPolicy, attempts: u32) {
        let (limits, ignored) = RateLimit::read(response.headers());
        for header in ignored {
            tracing::debug!(header = header.name, problem = %header.why, "rate-limit header ignored");
        }
        if limits.is_near_limit() {
            self.near_limit(&limits, Instant::now());
        }
        if response.status() != 429 || !self.policy.shared_hold {
            return;
        }
        let now = Instant::now();
        // The wait the retry policy takes for this 429; or, when that is longer than the policy waits, the
        // (plausible) Retry-After, which the requests it holds fail on at once rather than wait for.
        let Some(wait) = retry.delay(attempts, response.headers().get(RETRY_AFTER)).or(limits.retry_after) else {
            return;
        };
        let scope = Scope::of(limits.reason.as_ref(), request);
        let until = now.checked_add(wait).unwrap_or(now);
        tracing::debug!(
            scope = scope.kind(),
            wait_ms = wait.as_millis(),
            "rate limited; holding the requests it is about"
        );
        let mut state = self.lock();
        self.touched.store(true, Ordering::Release);
        state.holds.retain(|hold| hold.until > now);
        match state.holds.iter_mut().find(|hold| hold.scope == scope) {
            Some(hold) if hold.until >= until => {}
            Some(hold) => {
                hold.until = until;
                hold.reason = limits.reason;
            }
            None => state.holds.push(Hold { scope, until, reason: limits.reason }),
        }
    }

    /// Notes that a response said a limit is near: a warning when this starts a near period, a debug event when
    /// it extends one.
    fn near_limit(&self, limits: &RateLimit, now: Instant) {
        let mut state = self.lock();
        self.touched.store(true, Ordering::Release);
        let already = state.near_until.is_some_and(|until| until > now);
        state.near_until = Some(now.checked_add(self.policy.slow_down_window).unwrap_or(now));
        drop(state);
        let slowing = self.policy.slow_down;
        let reason = limits.reason.as_ref().map(|reason| reason.as_str());
        if already {
            tracing::debug!(
                remaining = limits.remaining,
                limit = limits.limit,
                reason,
                "a Jira rate limit is still near"
            );
        } else {
            tracing::warn!(
                remaining = limits.remaining,
                limit = limits.limit,
                reason,
                slowing_down = slowing,
                "Jira says a rate limit is near"
            );
        }
    }

    /// The time at which the next request may go while slowed down, reserving it; `None` when not slowed down.
    fn next_slot(&self) -> Option<Instant> {
        if !self.policy.slow_down || !self.touched.load(Ordering::Acquire) {
            return None;
        }
        let now = Instant::now();
        let mut state = self.lock();
        if state.near_until.is_none_or(|until| until <= now) {
            return None;
        }
        let slot = state.next_slot.map_or(now, |next| next.max(now));
        state.next_slot = Some(slot.checked_add(self.policy.slow_down_interval).unwrap_or(slot));
        Some(slot)
    }

    async fn wait_for_holds(&self, request: &Request, method: HttpMethod, retry: &RetryPolicy) -> Result<()> {
        // Another 429 may extend the hold while this request waits, so look again after each wait.
        while let Some((wait, reason)) = self.longest_hold(request, method) {
            if wait > retry.max_delay {
                tracing::debug!(
                    wait_ms = wait.as_millis(),
                    "held by a rate limit for longer than retries wait; not sent"
                );
                let meta = request.meta;
                let held =
                    RateLimitedError { operation_id: meta.id, method, path: meta.path, reason, retry_after: wait };
                return Err(Error::new(ErrorKind::RateLimited(held)));
            }
            tracing::debug!(wait_ms = wait.as_millis(), "held back by a rate limit");
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent at every step, so a panic elsewhere while it was locked leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
