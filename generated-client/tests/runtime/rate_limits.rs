//! Rate limits: Jira's headers read into `RateLimit`, one budget per client (the hold after a `429` by its
//! scope, the slow-down near a limit, the maximum in flight), and hostile header values.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use atlassian_client::runtime::{HttpMethod, OperationMeta, RateLimitReason, Request, Response};
use atlassian_client::{Client, ErrorKind, RateLimitPolicy, Result};
use tokio::task::JoinHandle;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use crate::support::{builder, fast_retries, operation};

/// When a request arrived, and which (`"PUT /rest/api/2/issue/PROJ-1"`).
type Arrival = (Instant, String);

/// How the mock answers, given the arrivals so far (the one to answer last).
type Answer = dyn Fn(&[Arrival]) -> ResponseTemplate + Send + Sync;

/// A mock Jira that records when each request arrives and answers through `answer`, which sees the arrivals so
/// far (this one last).
#[derive(Clone)]
struct Recorder {
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    answer: Arc<Answer>,
}

impl Recorder {
    async fn start(answer: impl Fn(&[Arrival]) -> ResponseTemplate + Send + Sync + 'static) -> (MockServer, Recorder) {
        let server = MockServer::start().await;
        let recorder = Recorder { arrivals: Arc::default(), answer: Arc::new(answer) };
        Mock::given(wiremock::matchers::any()).respond_with(recorder.clone()).mount(&server).await;
        (server, recorder)
    }

    fn arrivals(&self) -> Vec<Arrival> {
        self.arrivals.lock().unwrap().clone()
    }
}

impl Respond for Recorder {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().unwrap();
        arrivals.push((Instant::now(), format!("{} {}", request.method, request.url.path())));
        (self.answer)(&arrivals)
    }
}

/// A `429` as Jira sends it, for `reason`, with `Retry-After: 2`.
fn too_many_requests(reason: &str) -> ResponseTemplate {
    ResponseTemplate::new(429).insert_header("Retry-After", "2").insert_header("RateLimit-Reason", reason)
}

/// Waits until a `429` seen by `client` holds `request` back, and returns how long it still does.
async fn until_held(client: &Client, request: &Request) -> Duration {
    for _ in 0..2000 {
        if let Some(hold) = client.rate_limit_hold(request) {
            return hold;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the client never held {:?}", request.meta().id);
}

fn call(meta: &'static OperationMeta, path: &str) -> Request {
    Request::new(meta, path.to_owned())
}

/// Sends a call from a task of its own, on a clone of `client`.
fn send(client: &Client, meta: &'static OperationMeta, path: &'static str) -> JoinHandle<Result<Response>> {
    let client = client.clone();
    tokio::spawn(async move { client.execute(call(meta, path)).await })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_tasks_meeting_one_quota_429_wait_out_its_retry_after_together() {
    // Like Jira's quota: the first request opens a window in which every request gets a 429. The answer to the first
    // takes half a second, so the tasks started with it are in flight (already sent) when it comes.
    let answer_delay = Duration::from_millis(500);
    let (server, recorder) = Recorder::start(move |arrivals| {
        let (first, _) = arrivals[0];
        let (now, _) = *arrivals.last().unwrap();
        match arrivals.len() {
            1 => too_many_requests("jira-quota-tenant-based").set_delay(answer_delay),
            _ if now < first + answer_delay + Duration::from_secs(2) => too_many_requests("jira-quota-tenant-based"),
            _ => ResponseTemplate::new(200),
        }
    })
    .await;
    let client = builder(&server).build().unwrap();
    let get = operation("getThing", HttpMethod::Get, "/things");
    let post = operation("createThing", HttpMethod::Post, "/things");
    let task = |number: usize| send(&client, if number % 2 == 0 { get } else { post }, "/things");

    let started_together: Vec<_> = (0..6).map(task).collect();
    let hold = until_held(&client, &call(post, "/things")).await;
    assert!(hold <= Duration::from_secs(2), "held for {hold:?}");
    let another_client = builder(&server).build().unwrap();
    assert_eq!(another_client.rate_limit_hold(&call(post, "/things")), None, "the budget is the client's");
    let started_later: Vec<_> = (6..50).map(task).collect();
    for task in started_together.into_iter().chain(started_later) {
        assert_eq!(task.await.unwrap().unwrap().status(), 200);
    }

    let arrivals = recorder.arrivals();
    let (first, _) = arrivals[0];
    let answered = first + answer_delay;
    let already_sent = arrivals.iter().filter(|(arrived, _)| *arrived < answered).count();
    assert!(already_sent <= 6, "only the tasks started together were in flight");
    for (arrived, request) in &arrivals {
        let quiet = answered..answered + Duration::from_secs(2);
        assert!(!quiet.contains(arrived), "{request} arrived {:?} after the first 429", *arrived - answered);
    }
    assert_eq!(arrivals.len(), 50 + already_sent, "a 429 for each request already sent, then each task once");
}

#[tokio::test]
async fn a_burst_429_holds_that_operation_and_not_another() {
    let (server, recorder) = Recorder::start(|arrivals| {
        let burst_limited = arrivals.iter().filter(|(_, request)| request == "GET /search").count() == 1;
        if burst_limited && arrivals.last().unwrap().1 == "GET /search" {
            too_many_requests("jira-burst-based")
        } else {
            ResponseTemplate::new(200)
        }
    })
    .await;
    let client = builder(&server).build().unwrap();
    let search = operation("search", HttpMethod::Get, "/search");
    let other = operation("getServerInfo", HttpMethod::Get, "/serverInfo");

    let limited = send(&client, search, "/search");
    until_held(&client, &call(search, "/search")).await;
    assert_eq!(client.rate_limit_hold(&call(other, "/serverInfo")), None);
    let held = send(&client, search, "/search");
    assert_eq!(client.execute(call(other, "/serverInfo")).await.unwrap().status(), 200);
    assert_eq!(limited.await.unwrap().unwrap().status(), 200);
    assert_eq!(held.await.unwrap().unwrap().status(), 200);

    let arrivals = recorder.arrivals();
    let order: Vec<&str> = arrivals.iter().map(|(_, request)| request.as_str()).collect();
    assert_eq!(order, ["GET /search", "GET /serverInfo", "GET /search", "GET /search"]);
    let (limited_at, _) = arrivals[0];
    for (arrived, _) in &arrivals[2..] {
        assert!(*arrived - limited_at >= Duration::from_secs(2), "the same operation waited for Retry-After");
    }
}

#[tokio::test]
async fn a_per_issue_429_holds_only_the_writes_to_that_issue() {
    let (server, recorder) = Recorder::start(|arrivals| {
        if arrivals.len() == 1 {
            too_many_requests("jira-per-issue-on-write")
        } else {
            ResponseTemplate::new(200)
        }
    })
    .await;
    let client = builder(&server).build().unwrap();
    let edit = operation("editIssue", HttpMethod::Put, "/rest/api/2/issue/{issueIdOrKey}");
    let get = operation("getIssue", HttpMethod::Get, "/rest/api/2/issue/{issueIdOrKey}");

    let limited = send(&client, edit, "/rest/api/2/issue/PROJ-1");
    until_held(&client, &call(edit, "/rest/api/2/issue/PROJ-1")).await;
    assert_eq!(client.rate_limit_hold(&call(get, "/rest/api/2/issue/PROJ-1")), None, "reads go on");
    assert_eq!(client.rate_limit_hold(&call(edit, "/rest/api/2/issue/PROJ-2")), None, "other issues go on");
    let held = send(&client, edit, "/rest/api/2/issue/PROJ-1");
    assert_eq!(client.execute(call(get, "/rest/api/2/issue/PROJ-1")).await.unwrap().status(), 200);
    assert_eq!(client.execute(call(edit, "/rest/api/2/issue/PROJ-2")).await.unwrap().status(), 200);
    assert_eq!(limited.await.unwrap().unwrap().status(), 200);
    assert_eq!(held.await.unwrap().unwrap().status(), 200);

    let arrivals = recorder.arrivals();
    let order: Vec<&str> = arrivals.iter().map(|(_, request)| request.as_str()).collect();
    let expected = [
        "PUT /rest/api/2/issue/PROJ-1",
        "GET /rest/api/2/issue/PROJ-1",
        "PUT /rest/api/2/issue/PROJ-2",
        "PUT /rest/api/2/issue/PROJ-1",
        "PUT /rest/api/2/issue/PROJ-1",
    ];
    assert_eq!(order, expected);
    let (limited_at, _) = arrivals[0];
    for (arrived, _) in &arrivals[3..] {
        assert!(*arrived - limited_at >= Duration::from_secs(2), "writes to PROJ-1 waited for Retry-After");
    }
}

#[tokio::test]
async fn the_shared_hold_works_without_retries_and_can_be_switched_off() {
    let (server, _recorder) = Recorder::start(|_| too_many_requests("jira-quota-tenant-based")).await;
    let get = operation("getThing", HttpMethod::Get, "/things");
    for (policy, holds) in
        [(RateLimitPolicy::default(), true), (RateLimitPolicy::default().with_shared_hold(false), false)]
    {
        let client = builder(&server).no_retries().rate_limit(policy).build().unwrap();

        let response = client.execute(call(get, "/things")).await.unwrap();

        assert_eq!(response.status(), 429);
        assert_eq!(client.rate_limit_hold(&call(get, "/things")).is_some(), holds);
    }
}

/// Sends one request whose response says a limit is near (`near`), then five at once; returns the arrival times
/// of the five after the near-limit response was sent.
async fn five_after(near: ResponseTemplate, policy: RateLimitPolicy) -> Vec<Duration> {
    let (server, recorder) =
        Recorder::start(move |arrivals| if arrivals.len() == 1 { near.clone() } else { ResponseTemplate::new(200) })
            .await;
    let client = builder(&server).rate_limit(policy).build().unwrap();
    let get = operation("getThing", HttpMethod::Get, "/things");
    assert_eq!(client.execute(call(get, "/things")).await.unwrap().status(), 200);

    let tasks: Vec<_> = (0..5).map(|_| send(&client, get, "/things")).collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().status(), 200);
    }
    let arrivals = recorder.arrivals();
    let (near_at, _) = arrivals[0];
    arrivals[1..].iter().map(|(arrived, _)| *arrived - near_at).collect()
}

#[tokio::test]
async fn near_limit_and_low_remaining_space_the_next_requests_out() {
    let interval = Duration::from_millis(150);
    let policy = RateLimitPolicy::default().with_slow_down_interval(interval);
    let near = ResponseTemplate::new(200).insert_header("X-RateLimit-NearLimit", "true");
    let low = ResponseTemplate::new(200)
        .insert_header("X-RateLimit-Limit", "350")
        .insert_header("X-RateLimit-Remaining", "20");
    let points = ResponseTemplate::new(200)
        .insert_header("Beta-RateLimit-Policy", r#""tenant-app-quota";q=100100;w=3600"#)
        .insert_header("Beta-RateLimit", r#""tenant-app-quota";r=17842;t=2107"#);
    for signal in [near, low, points] {
        let arrivals = five_after(signal, policy.clone()).await;
        for (slot, arrived) in arrivals.iter().enumerate() {
            let earliest = interval * u32::try_from(slot).unwrap();
            assert!(*arrived >= earliest, "request {slot} arrived after {arrived:?}, before its slot {earliest:?}");
        }
    }
}

#[tokio::test]
async fn a_slow_down_switched_off_sends_at_once() {
    let interval = Duration::from_secs(5);
    let near = ResponseTemplate::new(200).insert_header("X-RateLimit-NearLimit", "true");
    let arrivals =
        five_after(near, RateLimitPolicy::default().with_slow_down_interval(interval).with_slow_down(false)).await;
    // Slowed down, the last of the five would have waited four intervals.
    assert!(arrivals.iter().all(|arrived| *arrived < interval * 4), "{arrivals:?}");
}

#[tokio::test]
async fn a_maximum_in_flight_lets_requests_through_in_waves() {
    let delay = Duration::from_millis(300);
    let (server, recorder) = Recorder::start(move |_| ResponseTemplate::new(200).set_delay(delay)).await;
    let client = builder(&server).rate_limit(RateLimitPolicy::default().with_max_in_flight(Some(2))).build().unwrap();
    let get = operation("getThing", HttpMethod::Get, "/things");

    let tasks: Vec<_> = (0..6).map(|_| send(&client, get, "/things")).collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().status(), 200);
    }

    // With two in flight, request k goes out only after a response to one that arrived two or more before it.
    let arrivals = recorder.arrivals();
    let (first, _) = arrivals[0];
    let (fifth, _) = arrivals[4];
    assert!(fifth - first >= delay * 2, "the fifth request arrived {:?} after the first", fifth - first);
}

#[tokio::test]
async fn jiras_rate_limit_headers_are_read_from_responses_and_errors() {
    let (server, _recorder) = Recorder::start(|_| {
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "3600")
            .insert_header("X-RateLimit-Limit", "350")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("X-RATELIMIT-RESET", "2026-03-26T16:00Z")
            .insert_header("X-RateLimit-NearLimit", "true")
            .insert_header("RateLimit-Reason", "jira-quota-tenant-based")
            .insert_header("Beta-RateLimit-Policy", r#""tenant-app-quota";q=100100;w=3600"#)
            .insert_header("Beta-RateLimit", r#""tenant-app-quota";r=17842;t=2107"#)
    })
    .await;
    let client = builder(&server).build().unwrap();
    let get = operation("getThing", HttpMethod::Get, "/things");

    // Retry-After is longer than the retry policy waits: the 429 comes back.
    let response = client.execute(call(get, "/things")).await.unwrap();
    assert_eq!(response.status(), 429);
    let limits = response.rate_limit();
    assert_eq!(limits.limit, Some(350));
    assert_eq!(limits.remaining, Some(0));
    assert_eq!(limits.reset, Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_774_540_800)));
    assert!(limits.near_limit && limits.is_near_limit());
    assert_eq!(limits.reason, Some(RateLimitReason::TenantQuota));
    assert_eq!(limits.retry_after, Some(Duration::from_secs(3600)));
    assert_eq!(limits.policies[0].name, "tenant-app-quota");
    assert_eq!(limits.policies[0].quota, Some(100_100));
    assert_eq!(limits.policies[0].window, Some(Duration::from_secs(3600)));
    assert_eq!(limits.points[0].name, "tenant-app-quota");
    assert_eq!(limits.points[0].remaining, Some(17842));
    assert_eq!(limits.points[0].reset, Some(Duration::from_secs(2107)));

    let error = response.into_error();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(error.rate_limit(), Some(limits));
}

#[tokio::test]
async fn a_429_longer_than_the_retry_policy_waits_fails_the_requests_it_holds_without_sending_them() {
    let (server, recorder) = Recorder::start(|arrivals| match arrivals.last().unwrap().1.as_str() {
        "GET /search" => ResponseTemplate::new(429)
            .insert_header("Retry-After", "600")
            .insert_header("RateLimit-Reason", "jira-burst-based"),
        "GET /quota" => ResponseTemplate::new(429).insert_header("Retry-After", "3600"),
        _ => ResponseTemplate::new(200),
    })
    .await;
    let client = builder(&server).build().unwrap();
    let search = operation("search", HttpMethod::Get, "/search");
    let other = operation("getServerInfo", HttpMethod::Get, "/serverInfo");
    let quota = operation("getQuota", HttpMethod::Get, "/quota");

    // The 429 itself comes back as before, with its Retry-After.
    let limited = client.execute(call(search, "/search")).await.unwrap().into_error();
    assert_eq!((limited.status(), limited.retry_after()), (Some(429), Some(Duration::from_secs(600))));
    // The next request of that operation is not sent: it fails at once, saying how long the hold still lasts.
    let held = client.execute(call(search, "/search")).await.unwrap_err();
    let ErrorKind::RateLimited(refused) = held.kind() else { panic!("{held:?}") };
    assert_eq!((refused.operation_id, refused.reason.clone()), ("search", Some(RateLimitReason::Burst)));
    let wait = held.retry_after().unwrap();
    assert!(wait > Duration::from_secs(590) && wait <= Duration::from_secs(600), "{wait:?}");
    assert!(held.to_string().contains("not sent"), "{held}");
    // Another operation is not held by a burst limit.
    assert_eq!(client.execute(call(other, "/serverInfo")).await.unwrap().status(), 200);
    // A quota 429 without a reason holds the whole client, clones included.
    assert_eq!(client.execute(call(quota, "/quota")).await.unwrap().status(), 429);
    let held = client.clone().execute(call(other, "/serverInfo")).await.unwrap_err();
    assert!(matches!(held.kind(), ErrorKind::RateLimited(refused) if refused.reason.is_none()), "{held:?}");

    let order: Vec<String> = recorder.arrivals().into_iter().map(|(_, request)| request).collect();
    assert_eq!(order, ["GET /search", "GET /serverInfo", "GET /quota"], "held requests were not sent");
}

#[tokio::test]
async fn the_final_header_names_and_unknown_reasons_are_read_too() {
    let (server, _recorder) = Recorder::start(|_| {
        ResponseTemplate::new(200)
            .insert_header("RateLimit-Policy", r#""tenant-app-quota";q=65000;w=3600"#)
            .insert_header("RateLimit", r#""tenant-app-quota";r=64000;t=60"#)
            .insert_header("X-Beta-RateLimit-Reason", "jira-quota-global-based")
    })
    .await;
    let response = builder(&server).build().unwrap().execute(call(operation("a", HttpMethod::Get, "/a"), "/a")).await;

    let limits = response.unwrap().rate_limit();
    assert_eq!(limits.policies[0].quota, Some(65000));
    assert_eq!(limits.points[0].remaining, Some(64000));
    assert_eq!(limits.reason, Some(RateLimitReason::Other("jira-quota-global-based".to_owned())));
    assert!(!limits.is_near_limit());
}

#[tokio::test]
async fn implausible_retry_after_values_count_as_missing_and_the_backoff_applies() {
    // Confluence has answered the first of these; the others are a day and a second, negative, and not a number.
    for hostile in ["9223372036854775807", "86401", "-5", "in a while"] {
        let (server, recorder) = Recorder::start(move |arrivals| match arrivals.len() {
            1 => ResponseTemplate::new(429).insert_header("Retry-After", hostile),
            _ => ResponseTemplate::new(200),
        })
        .await;
        let client = Client::builder(server.uri()).retry(fast_retries()).build().unwrap();
        let get = operation("getThing", HttpMethod::Get, "/things");

        let response = client.execute(call(get, "/things")).await.unwrap();

        assert_eq!(response.status(), 200, "Retry-After: {hostile} was retried after the backoff");
        assert_eq!(recorder.arrivals().len(), 2);
    }
}

#[tokio::test]
async fn implausible_retry_after_values_are_not_reported_as_waits() {
    let (server, _recorder) = Recorder::start(|arrivals| {
        let hostile = ["9223372036854775807", "-1", "soon"][arrivals.len() - 1];
        ResponseTemplate::new(429).insert_header("Retry-After", hostile)
    })
    .await;
    let client = builder(&server).no_retries().build().unwrap();
    let get = operation("getThing", HttpMethod::Get, "/things");

    for _ in 0..3 {
        let error = client.execute(call(get, "/things")).await.unwrap().into_error();
        assert_eq!(error.status(), Some(429));
        assert_eq!(error.retry_after(), None);
        assert_eq!(error.rate_limit().unwrap().retry_after, None);
    }
}

#[tokio::test]
async fn garbage_reset_and_points_headers_are_ignored() {
    let (server, _recorder) = Recorder::start(|_| {
        ResponseTemplate::new(200)
            .insert_header("X-RateLimit-Limit", "350")
            .insert_header("X-RateLimit-Remaining", "lots")
            .insert_header("X-RateLimit-Reset", "2026-02-30T16:00Z")
            .insert_header("X-RateLimit-NearLimit", "maybe")
            .insert_header("Beta-RateLimit-Policy", r#""tenant-app-quota;q=100100"#)
            .insert_header("Beta-RateLimit", r#""tenant-app-quota";r=-17842;t=2107"#)
    })
    .await;
    let response = builder(&server).build().unwrap().execute(call(operation("a", HttpMethod::Get, "/a"), "/a")).await;

    let limits = response.unwrap().rate_limit();
    assert_eq!(limits.limit, Some(350), "the good header is kept");
    assert_eq!((limits.remaining, limits.reset, limits.near_limit), (None, None, false));
    assert!(limits.policies.is_empty() && limits.points.is_empty());
}
