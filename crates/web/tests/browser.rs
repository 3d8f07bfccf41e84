//! Browser tests in real headless Chromium (Debian `chromium` +
//! `chromium-driver`), driven over WebDriver with thirtyfour.
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
use thirtyfour::prelude::*;

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
        if let Ok(el) = d.find(By::Css(css)).await
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
async fn find(d: &WebDriver, css: &str) -> WebElement {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match d.find(By::Css(css)).await {
            Ok(el) => return el,
            Err(e) if Instant::now() > deadline => panic!("{css} never appeared: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

async fn html_lang(d: &WebDriver) -> String {
    d.find(By::Css("html"))
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
    let report_url = d.current_url().await.unwrap();

    // Switch to Traditional Chinese and back: same page, other language.
    find(&d, "a[data-lang='zh-TW']")
        .await
        .click()
        .await
        .unwrap();
    wait_lang(&d, "zh-TW").await;
    wait_text(&d, "#verdict", "通過").await;
    assert_eq!(d.current_url().await.unwrap().path(), report_url.path());
    find(&d, "a[data-lang='en']").await.click().await.unwrap();
    wait_lang(&d, "en").await;
    wait_text(&d, "#verdict", "Passed").await;
    assert_eq!(d.current_url().await.unwrap().path(), report_url.path());

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
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let v: Vec<i64> = ret.convert().unwrap();
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
    f.store
        .open_incident(
            skillgate_store::Severity::P1,
            "False pass on batch 7",
            "regressed invoice totals",
            "ada",
        )
        .await
        .unwrap();
    let eval = f.eval_id.clone().unwrap();
    let addr = serve(&f.store).await;
    let driver = start_chromedriver().await;
    let dir = screenshot_dir();
    let pages = [
        ("skills", "/skills".to_string(), "h1"),
        ("draft", format!("/drafts/{}", f.draft_id), "#publish-panel"),
        ("report", format!("/evals/{eval}"), "#verdict"),
        ("case", format!("/evals/{eval}/cases/1"), ".arms"),
        (
            "preservation",
            format!("/drafts/{}/preservation", f.draft_id),
            "pre.diff",
        ),
        ("admin", "/admin".to_string(), "#kill-switch"),
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
