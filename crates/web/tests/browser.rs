//! Browser tests in real headless Chromium (Debian `chromium` +
//! `chromium-driver`), driven over the W3C WebDriver protocol by the small
//! client below (plain HTTP + JSON through reqwest). thirtyfour was the
//! first choice, but it turns on serde_json's `preserve_order` feature, which
//! would change JSON key order for every crate built in the same
//! `cargo test --workspace` run.
//!
//! Every test here is named `browser_*`, so CI can run or skip them by name:
//! `cargo test -p skillgate-web --test browser` (or `-- --skip browser_`).
//! Without chromium or chromedriver they FAIL with a message saying what to
//! install. Screenshots go to `<workspace>/target/screenshots/` (override with
//! `SKILLGATE_SCREENSHOTS=DIR`).

mod common;

use common::*;
use serde_json::json;
use skillgate_store::{NewDraft, SkillFile};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use webdriver::{By, DesiredCapabilities, WebDriver, WebElement};

/// The WebDriver calls these tests need, on `reqwest`.
mod webdriver {
    use serde_json::{Value, json};
    use std::path::Path;

    /// W3C key of an element reference.
    const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

    /// How to find an element.
    pub enum By {
        /// A CSS selector.
        Css(String),
    }

    /// A WebDriver error: the command and what the driver said.
    #[derive(Debug)]
    pub struct Error(pub String);

    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    /// `goog:chromeOptions` of a new session.
    #[derive(Default)]
    pub struct DesiredCapabilities {
        binary: String,
        args: Vec<String>,
        mobile: Option<Value>,
    }

    impl DesiredCapabilities {
        pub fn chrome() -> DesiredCapabilities {
            DesiredCapabilities::default()
        }
        pub fn set_binary(&mut self, path: &str) -> Result<(), Error> {
            self.binary = path.to_string();
            Ok(())
        }
        pub fn add_arg(&mut self, arg: &str) -> Result<(), Error> {
            self.args.push(arg.to_string());
            Ok(())
        }
        pub fn add_experimental_option(&mut self, name: &str, value: Value) -> Result<(), Error> {
            assert_eq!(name, "mobileEmulation", "only mobileEmulation is supported");
            self.mobile = Some(value);
            Ok(())
        }
    }

    /// A browser session.
    pub struct WebDriver {
        http: reqwest::Client,
        session: String,
    }

    /// An element of the current page.
    pub struct WebElement<'a> {
        driver: &'a WebDriver,
        id: String,
    }

    async fn call(
        http: &reqwest::Client,
        method: reqwest::Method,
        url: &str,
        body: Option<Value>,
    ) -> Result<Value, Error> {
        let mut req = http.request(method.clone(), url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| Error(format!("{method} {url}: {e}")))?;
        let status = resp.status();
        let v: Value = resp
            .json()
            .await
            .map_err(|e| Error(format!("{method} {url}: {e}")))?;
        if !status.is_success() {
            return Err(Error(format!(
                "{method} {url}: {status} {}",
                v["value"]["message"]
            )));
        }
        Ok(v["value"].clone())
    }

    impl WebDriver {
        pub async fn new(
            driver_url: String,
            caps: DesiredCapabilities,
        ) -> Result<WebDriver, Error> {
            // In a workspace build reqwest has `rustls-no-provider` (from the
            // providers crate): install ring before building a client, as the
            // product does. Loopback WebDriver traffic is plain HTTP anyway.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let http = reqwest::Client::new();
            let mut options = json!({"binary": caps.binary, "args": caps.args});
            if let Some(m) = caps.mobile {
                options["mobileEmulation"] = m;
            }
            let body = json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome", "goog:chromeOptions": options}}});
            let v = call(
                &http,
                reqwest::Method::POST,
                &format!("{driver_url}/session"),
                Some(body),
            )
            .await?;
            let id = v["sessionId"]
                .as_str()
                .ok_or_else(|| Error(format!("no session id in {v}")))?;
            Ok(WebDriver {
                http,
                session: format!("{driver_url}/session/{id}"),
            })
        }

        async fn cmd(
            &self,
            method: reqwest::Method,
            path: &str,
            body: Option<Value>,
        ) -> Result<Value, Error> {
            call(&self.http, method, &format!("{}{path}", self.session), body).await
        }

        pub async fn goto(&self, url: String) -> Result<(), Error> {
            self.cmd(reqwest::Method::POST, "/url", Some(json!({"url": url})))
                .await
                .map(drop)
        }

        /// The current URL's path.
        pub async fn current_path(&self) -> Result<String, Error> {
            let v = self.cmd(reqwest::Method::GET, "/url", None).await?;
            let url = v.as_str().unwrap_or_default();
            let after_host = url.splitn(4, '/').nth(3).unwrap_or("");
            let path = after_host.split(['?', '#']).next().unwrap_or("");
            Ok(format!("/{path}"))
        }

        pub async fn find(&self, by: By) -> Result<WebElement<'_>, Error> {
            let By::Css(css) = by;
            let v = self
                .cmd(
                    reqwest::Method::POST,
                    "/element",
                    Some(json!({"using": "css selector", "value": css})),
                )
                .await?;
            let id = v[ELEMENT]
                .as_str()
                .ok_or_else(|| Error(format!("no element id in {v}")))?;
            Ok(WebElement {
                driver: self,
                id: id.to_string(),
            })
        }

        pub async fn execute(&self, script: &str) -> Result<Value, Error> {
            self.cmd(
                reqwest::Method::POST,
                "/execute/sync",
                Some(json!({"script": script, "args": []})),
            )
            .await
        }

        pub async fn screenshot(&self, path: &Path) -> Result<(), Error> {
            let v = self.cmd(reqwest::Method::GET, "/screenshot", None).await?;
            let png = decode_base64(v.as_str().unwrap_or_default())
                .ok_or_else(|| Error("screenshot is not base64".into()))?;
            std::fs::write(path, png).map_err(|e| Error(format!("{}: {e}", path.display())))
        }

        pub async fn quit(self) -> Result<(), Error> {
            call(&self.http, reqwest::Method::DELETE, &self.session, None)
                .await
                .map(drop)
        }
    }

    impl WebElement<'_> {
        fn path(&self, what: &str) -> String {
            format!("/element/{}/{what}", self.id)
        }
        pub async fn click(&self) -> Result<(), Error> {
            self.driver
                .cmd(reqwest::Method::POST, &self.path("click"), Some(json!({})))
                .await
                .map(drop)
        }
        pub async fn send_keys(&self, text: &str) -> Result<(), Error> {
            self.driver
                .cmd(
                    reqwest::Method::POST,
                    &self.path("value"),
                    Some(json!({"text": text})),
                )
                .await
                .map(drop)
        }
        pub async fn text(&self) -> Result<String, Error> {
            let v = self
                .driver
                .cmd(reqwest::Method::GET, &self.path("text"), None)
                .await?;
            Ok(v.as_str().unwrap_or_default().to_string())
        }
        pub async fn attr(&self, name: &str) -> Result<Option<String>, Error> {
            let v = self
                .driver
                .cmd(
                    reqwest::Method::GET,
                    &self.path(&format!("attribute/{name}")),
                    None,
                )
                .await?;
            Ok(v.as_str().map(str::to_string))
        }
    }

    /// Standard base64 (with padding) to bytes.
    fn decode_base64(text: &str) -> Option<Vec<u8>> {
        let value = |c: u8| match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        };
        let clean: Vec<u8> = text
            .bytes()
            .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
            .collect();
        let mut out = Vec::with_capacity(clean.len() * 3 / 4);
        for chunk in clean.chunks(4) {
            let mut n = 0u32;
            for (i, c) in chunk.iter().enumerate() {
                n |= u32::from(value(*c)?) << (18 - 6 * i);
            }
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.extend_from_slice(&bytes[..chunk.len() - 1]);
        }
        Some(out)
    }

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert_eq!(decode_base64("YWJj").unwrap(), b"abc");
    }
}

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn tool(env: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from);
    assert!(
        path.exists(),
        "browser tests need {} (set {env} to another path). Install Debian's Chromium and its \
         driver: `apt-get install -y chromium chromium-driver`; or skip these tests with \
         `cargo test -p skillgate-web -- --skip browser_`",
        path.display()
    );
    path
}

/// chromedriver, killed on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_chromedriver() -> Driver {
    let bin = tool("CHROMEDRIVER", CHROMEDRIVER);
    let port = free_port();
    let child = Command::new(bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not listen on {port} within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    driver
}

async fn browser(driver: &Driver, profile: &Path, width: u32, height: u32) -> WebDriver {
    let chromium = tool("CHROMIUM", CHROMIUM);
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&chromium.display().to_string()).unwrap();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--lang=en-US",
    ] {
        caps.add_arg(arg).unwrap();
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.display()))
        .unwrap();
    if width < 500 {
        // Chrome windows are at least 500 px wide; emulate the phone screen.
        caps.add_experimental_option(
            "mobileEmulation",
            json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}}),
        )
        .unwrap();
    } else {
        caps.add_arg(&format!("--window-size={width},{height}"))
            .unwrap();
    }
    WebDriver::new(driver.url.clone(), caps)
        .await
        .expect("a Chromium session starts")
}

/// Serves the app on a free loopback port (local dev mode: admin).
async fn serve(store: &skillgate_store::Store) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = app(store);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// Waits until the element at `css` contains `needle` (htmx swaps are async).
async fn wait_text(d: &WebDriver, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(el) = d.find(By::Css(css.to_string())).await
            && let Ok(text) = el.text().await
        {
            if text.contains(needle) {
                return text;
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never contained {needle:?}; last text: {last:?}");
}

/// Waits for the element at `css` (pages load and htmx swaps asynchronously).
async fn find<'a>(d: &'a WebDriver, css: &str) -> WebElement<'a> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match d.find(By::Css(css.to_string())).await {
            Ok(el) => return el,
            Err(e) if Instant::now() > deadline => panic!("{css} never appeared: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

async fn html_lang(d: &WebDriver) -> String {
    d.find(By::Css("html".to_string()))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn wait_lang(d: &WebDriver, lang: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while html_lang(d).await != lang {
        assert!(Instant::now() < deadline, "page never switched to {lang}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn screenshot_dir() -> PathBuf {
    let dir = std::env::var_os("SKILLGATE_SCREENSHOTS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_reviewer_flow_report_language_review_and_publish() {
    let f = fixture(Some(passing_report())).await;
    let addr = serve(&f.store).await;
    let driver = start_chromedriver().await;
    let profile = tempfile::tempdir().unwrap();
    let d = browser(&driver, profile.path(), 1280, 1400).await;
    let base = format!("http://{addr}");
    let shots = screenshot_dir();

    // Skills page → draft → report.
    d.goto(format!("{base}/skills")).await.unwrap();
    wait_text(&d, "h1", "Skills").await;
    find(&d, &format!("a[href='/drafts/{}']", f.draft_id))
        .await
        .click()
        .await
        .unwrap();
    find(&d, "#open-report").await.click().await.unwrap();
    wait_text(&d, "#verdict", "Passed").await;
    let report_path = d.current_path().await.unwrap();

    // Switch to Traditional Chinese and back: same page, other language.
    find(&d, "a[data-lang='zh-TW']")
        .await
        .click()
        .await
        .unwrap();
    wait_lang(&d, "zh-TW").await;
    wait_text(&d, "#verdict", "通過").await;
    assert_eq!(d.current_path().await.unwrap(), report_path);
    find(&d, "a[data-lang='en']").await.click().await.unwrap();
    wait_lang(&d, "en").await;
    wait_text(&d, "#verdict", "Passed").await;
    assert_eq!(d.current_path().await.unwrap(), report_path);

    // Publishing before any review shows the gate errors.
    d.goto(format!("{base}/drafts/{}", f.draft_id))
        .await
        .unwrap();
    find(&d, "#publish-button").await.click().await.unwrap();
    let notice = wait_text(&d, "#notice", "Publishing refused").await;
    assert!(notice.contains("review-missing"), "{notice}");
    assert!(
        notice.contains("Fix:"),
        "every gate error names its fix: {notice}"
    );
    d.screenshot(&shots.join("flow-publish-refused-en-desktop.png"))
        .await
        .unwrap();

    // Approve with a rationale, then publish.
    find(&d, "#decision-approve").await.click().await.unwrap();
    find(&d, "#rationale")
        .await
        .send_keys("Totals are right in every replayed case.")
        .await
        .unwrap();
    find(&d, "#review-submit").await.click().await.unwrap();
    wait_text(&d, "#notice", "Review recorded").await;
    wait_text(&d, "#review-panel", "Totals are right").await;
    find(&d, "#publish-button").await.click().await.unwrap();
    wait_text(&d, "#notice", "Published").await;
    wait_text(&d, "#draft-status", "published").await;
    d.screenshot(&shots.join("flow-published-en-desktop.png"))
        .await
        .unwrap();
    let versions = f.store.skill_versions(SKILL).await.unwrap();
    assert_eq!(versions.len(), 2, "publishing made version 2");
    d.quit().await.unwrap();
}

/// Adds a second skill with a long name and a draft without an eval, so the
/// screenshots show truncation and the empty states.
async fn add_long_named_skill(store: &skillgate_store::Store) {
    let name = "quarterly-revenue-reconciliation-and-variance-notes-for-finance";
    let v = store
        .publish_skill_version(
            name,
            "Reconcile quarterly revenue across regional ledgers, explain every variance above the threshold and draft the note for the controller.",
            &[SkillFile {
                path: "SKILL.md".into(),
                bytes: format!("---\nname: {name}\ndescription: Reconcile revenue.\n---\n# Steps\n- Reconcile.\n").into_bytes(),
            }],
            None,
        )
        .await
        .unwrap();
    store
        .create_draft(&NewDraft {
            skill_name: name.into(),
            description: "Adds the currency-conversion step and a table of variances by region.".into(),
            revises_version_id: Some(v.id),
            files: vec![SkillFile {
                path: "SKILL.md".into(),
                bytes: format!("---\nname: {name}\ndescription: Reconcile revenue.\n---\n# Steps\n- Convert currencies.\n").into_bytes(),
            }],
            lint_report: None,
            safety_report: Some(json!({"status": "failed", "findings": [{"file": "SKILL.md", "line": 7, "rule": "pipe-to-shell", "severity": "error", "message": "downloads a script and pipes it into sh"}]}).to_string()),
            preservation_report: Some(json!({"status": "failed", "sections": [{"title": "Steps", "outcome": "dropped", "similarity": 0.2, "instructions": 1, "lost_instructions": 1}], "dropped_instructions": [{"section": "Steps", "line": 5, "text": "Reconcile."}], "reasons": ["important section Steps was dropped"]}).to_string()),
        })
        .await
        .unwrap();
}

/// Fails when the page is wider than the viewport (horizontal scrolling).
async fn assert_fits(d: &WebDriver, what: &str) {
    let ret = d
        .execute("return [document.documentElement.scrollWidth, window.innerWidth];")
        .await
        .unwrap();
    let v: Vec<i64> = serde_json::from_value(ret).unwrap();
    assert!(
        v[0] <= v[1],
        "{what}: page is {} px wide in a {} px viewport",
        v[0],
        v[1]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_screenshots_of_the_main_pages_in_each_locale() {
    let f = fixture(Some(sample::sample_report("passed", 12))).await;
    add_long_named_skill(&f.store).await;
    let incident = f
        .store
        .open_incident(
            skillgate_store::Severity::P1,
            "False pass on batch 7",
            "regressed invoice totals",
            "ada",
        )
        .await
        .unwrap()
        .incident
        .id;
    // A job that failed once and now runs again: the draft page shows it and
    // the dashboard counts it.
    f.store
        .enqueue_eval_job(
            &skillgate_store::EvalJobPayload {
                draft_id: f.draft_id.clone(),
                cases: None,
                trials: None,
                prompt_locale: None,
                requested_by: "rita".into(),
            },
            3,
        )
        .await
        .unwrap();
    let lease = Duration::from_secs(600);
    let job = f.store.claim_job("worker-a", lease).await.unwrap().unwrap();
    f.store
        .fail_job(
            &job.id,
            "worker-a",
            "provider https://llm.internal.example.com/v1 (model replay-large) returned 503 Service Unavailable after 4 tries",
            true,
        )
        .await
        .unwrap();
    f.store
        .claim_job("worker-b.eval-pool.internal", lease)
        .await
        .unwrap()
        .unwrap();
    let eval = f.eval_id.clone().unwrap();
    let addr = serve(&f.store).await;
    let driver = start_chromedriver().await;
    let dir = screenshot_dir();
    let pages = [
        ("skills", "/skills".to_string(), "h1"),
        ("draft", format!("/drafts/{}", f.draft_id), "#draft-job"),
        ("report", format!("/evals/{eval}"), "#verdict"),
        ("case", format!("/evals/{eval}/cases/1"), ".arms"),
        (
            "preservation",
            format!("/drafts/{}/preservation", f.draft_id),
            "pre.diff",
        ),
        ("admin", "/admin".to_string(), "#kill-switch"),
        ("dashboard", "/dashboard".to_string(), "#job-queue"),
        ("incident", format!("/incidents/{incident}"), "#close-form"),
    ];
    for (device, width, height) in [("desktop", 1280u32, 1600u32), ("mobile", 375, 812)] {
        let profile = tempfile::tempdir().unwrap();
        let d = browser(&driver, profile.path(), width, height).await;
        for tag in ["en", "zh-CN", "zh-TW"] {
            d.goto(format!("http://{addr}/lang/{tag}?next=/skills"))
                .await
                .unwrap();
            wait_lang(&d, tag).await;
            for (name, path, ready) in &pages {
                d.goto(format!("http://{addr}{path}")).await.unwrap();
                find(&d, ready).await;
                assert_eq!(html_lang(&d).await, tag);
                if device == "mobile" {
                    assert_fits(&d, &format!("{name} ({tag}, 375 px)")).await;
                }
                d.screenshot(&dir.join(format!("{name}-{tag}-{device}.png")))
                    .await
                    .unwrap();
            }
        }
        d.quit().await.unwrap();
    }
    eprintln!("screenshots in {}", dir.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_dashboard_to_incident_close_with_regression_case() {
    // A failed report with blocked coverage 1.0 and a regressed case, and a
    // P0 incident: three alerts fire and the kill switch is on.
    let mut report = sample::sample_report("failed", 6);
    report["blocked_coverage"] = json!(1.0);
    let f = fixture(Some(report)).await;
    let run = skillgate_core::Run {
        id: "run_email_batch_7".into(),
        tenant: "acme".into(),
        locale: "en".into(),
        task: "Summarise batch 7 and email accounts payable".into(),
        messages: vec![],
        tool_calls: vec![],
        final_answer: "sent".into(),
        accepted: true,
        accepted_at: Some("2026-11-20T00:00:00Z".into()),
        created_at: None,
        criteria: None,
        skill: None,
    };
    f.store.insert_runs(&[run]).await.unwrap();
    let p0 = f
        .store
        .open_incident(
            skillgate_store::Severity::P0,
            "Replay sent a real email to accounts payable",
            "send_email ran unsandboxed",
            "ada",
        )
        .await
        .unwrap()
        .incident
        .id;
    let addr = serve(&f.store).await;
    let driver = start_chromedriver().await;
    let dir = screenshot_dir();
    // Mobile first: the desktop pass ends by closing the incident.
    for (device, width, height) in [("mobile", 375u32, 812u32), ("desktop", 1280, 1400)] {
        let profile = tempfile::tempdir().unwrap();
        let d = browser(&driver, profile.path(), width, height).await;
        d.goto(format!("http://{addr}/skills")).await.unwrap();
        find(&d, "a[href='/dashboard']")
            .await
            .click()
            .await
            .unwrap();
        wait_text(&d, "#alerts-summary", "3 alerts fire").await;
        let first = find(&d, "li.alert").await;
        assert_eq!(
            first.attr("data-state").await.unwrap().as_deref(),
            Some("firing")
        );
        wait_text(&d, "[data-alert='BlockedCoverageFull']", "firing").await;
        wait_text(&d, "#open-incidents", "Replay sent a real email").await;
        wait_text(&d, "#kill-switch", "off").await;
        if device == "mobile" {
            assert_fits(&d, "dashboard with firing alerts (375 px)").await;
        }
        d.screenshot(&dir.join(format!("dashboard-firing-en-{device}.png")))
            .await
            .unwrap();
        d.execute("document.querySelector('table.alerts-ok').scrollIntoView(); return 0;")
            .await
            .unwrap();
        d.screenshot(&dir.join(format!("dashboard-firing-en-{device}-more.png")))
            .await
            .unwrap();
        // The window selector keeps the page and marks the window.
        find(&d, "a[data-window='7d']").await.click().await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        // (htmx swaps the page: an element found before may go stale.)
        while find(&d, "a[data-window='7d']")
            .await
            .attr("aria-current")
            .await
            .ok()
            .flatten()
            .is_none()
        {
            assert!(
                Instant::now() < deadline,
                "7d never became the current window"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if device == "mobile" {
            d.quit().await.unwrap();
            continue;
        }
        // Desktop only: from the incident link to closing it with its case.
        find(&d, &format!("#open-incidents a[href='/incidents/{p0}']"))
            .await
            .click()
            .await
            .unwrap();
        find(&d, "#close-root-cause")
            .await
            .send_keys("send_email had no surrogate rule")
            .await
            .unwrap();
        // Without the regression case the browser's own check stops the post
        // (required fields); the server refuses it too (handler tests).
        find(&d, "#close-submit").await.click().await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(f.store.list_incidents(true).await.unwrap().len(), 1);
        find(&d, "#close-run")
            .await
            .send_keys("run_email_batch_7")
            .await
            .unwrap();
        find(&d, "#close-skill")
            .await
            .send_keys(SKILL)
            .await
            .unwrap();
        find(&d, "#close-submit").await.click().await.unwrap();
        wait_text(&d, "#notice", "is pinned as a regression case").await;
        wait_text(&d, "#incident-status", "closed").await;
        d.screenshot(&dir.join("incident-closed-en-desktop.png"))
            .await
            .unwrap();
        let pins = f.store.pinned_cases(SKILL).await.unwrap();
        assert_eq!(pins.len(), 1);
        assert_eq!(pins[0].run_id, "run_email_batch_7");
        d.quit().await.unwrap();
    }
    eprintln!("screenshots in {}", dir.display());
}
