//! One client, one budget: the holds after a `429`, the slow-down near a limit, and the requests in flight,
//! shared by every clone and task of a client.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::RETRY_AFTER;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::headers::RateLimit;
use super::policy::RateLimitPolicy;
use super::scope::Scope;
use crate::runtime::{HttpMethod, Request, Response, RetryPolicy};

/// The rate-limit state that all requests of one client share.
#[derive(Debug)]
pub(crate) struct Budget {
    policy: RateLimitPolicy,
    state: Mutex<State>,
    in_flight: Option<Arc<Semaphore>>,
}

#[derive(Debug, Default)]
struct State {
    /// The holds still running: what they hold and until when. Expired ones are dropped as new ones come.
    holds: Vec<(Scope, Instant)>,
    /// Until when a limit counts as near, after the last response that said so.
    near_until: Option<Instant>,
    /// The earliest time the next request may go while slowed down.
    next_slot: Option<Instant>,
}

impl Budget {
    pub(crate) fn new(policy: RateLimitPolicy) -> Budget {
        let in_flight = policy.max_in_flight.map(|most| Arc::new(Semaphore::new(most.max(1))));
        Budget { policy, state: Mutex::new(State::default()), in_flight }
    }

    pub(crate) fn policy(&self) -> &RateLimitPolicy {
        &self.policy
    }

    /// Waits until `request` (sent with `method`) may go: past every hold that covers it, then its slot when
    /// slowed down, then a place among the requests in flight, which the returned permit keeps until dropped.
    pub(crate) async fn admit(&self, request: &Request, method: HttpMethod) -> Option<OwnedSemaphorePermit> {
        self.wait_for_holds(request, method).await;
        if let Some(slot) = self.next_slot() {
            tokio::time::sleep_until(slot.into()).await;
            // A 429 may have come in while this request waited for its slot.
            self.wait_for_holds(request, method).await;
        }
        let in_flight = self.in_flight.clone()?;
        // The semaphore is never closed, so acquiring only ends with a permit.
        in_flight.acquire_owned().await.ok()
    }

    /// How long a hold keeps `request` (sent with `method`) back from now, if one does.
    pub(crate) fn hold(&self, request: &Request, method: HttpMethod) -> Option<Duration> {
        let now = Instant::now();
        self.lock()
            .holds
            .iter()
            .filter(|(scope, until)| *until > now && scope.covers(request, method))
            .map(|(_, until)| *until - now)
            .max()
    }

    /// Learns from a response to `request` (its `attempts`th send): reports ignored headers
    /// and near limits in the trace, starts the slow-down, and holds what a `429` is about for the wait that
    /// `retry` takes for it.
    pub(crate) fn observe(&self, request: &Request, response: &Response, retry: &RetryPolicy, attempts: u32) {
        let (limits, ignored) = RateLimit::read(response.headers());
        for header in ignored {
            tracing::debug!(header = header.name, problem = %header.why, "rate-limit header ignored");
        }
        let now = Instant::now();
        if limits.is_near_limit() {
            self.near_limit(&limits, now);
        }
        if response.status() != 429 || !self.policy.shared_hold {
            return;
        }
        let Some(wait) = retry.delay(attempts, response.headers().get(RETRY_AFTER)) else {
            tracing::debug!("rate limited for longer than the retry policy waits; holding nothing");
            return;
        };
        let scope = Scope::of(limits.reason.as_ref(), request);
        let until = now.checked_add(wait).unwrap_or(now);
        tracing::debug!(scope = ?scope, wait_ms = wait.as_millis(), "rate limited; holding the requests it is about");
        let mut state = self.lock();
        state.holds.retain(|(_, until)| *until > now);
        match state.holds.iter_mut().find(|(held, _)| *held == scope) {
            Some((_, held_until)) => *held_until = (*held_until).max(until),
            None => state.holds.push((scope, until)),
        }
    }

    /// Notes that a response said a limit is near: a warning when this starts a near period, a debug event when
    /// it extends one.
    fn near_limit(&self, limits: &RateLimit, now: Instant) {
        let mut state = self.lock();
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
        if !self.policy.slow_down {
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

    async fn wait_for_holds(&self, request: &Request, method: HttpMethod) {
        // Another 429 may extend the hold while this request waits, so look again after each wait.
        while let Some(wait) = self.hold(request, method) {
            tracing::debug!(wait_ms = wait.as_millis(), "held back by a rate limit");
            tokio::time::sleep(wait).await;
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent at every step, so a panic elsewhere while it was locked leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
