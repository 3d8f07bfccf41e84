# skillgate 網頁介面 — 繁體中文。鍵必須與 en/main.ftl 完全一致。
nav-label = 主導覽
nav-skills = 技能
nav-audit = 稽核日誌
nav-admin = 事故與緊急開關
language = 語言
sign-in = 登入
sign-out = 登出
sign-in-help = 貼上分配給你的 API 權杖（`skillgate token create` 只顯示一次）。
sign-in-failed = 無法識別該權杖。請檢查，或向管理員申請新權杖。
token = 權杖
dev-mode-banner = 本機開發模式：尚無 API 權杖，本機所有存取者都以管理員身分操作。建立權杖（skillgate token create --role admin --name NAME）即可啟用登入。
role-viewer = 檢視者
role-reviewer = 審查者
role-publisher = 發布者
role-admin = 管理員
unknown = 未知
back-to-skills = 返回技能清單
error-not-found = 找不到
error-forbidden = 無權操作
error-unauthenticated = 需要登入
error-request = 無法完成請求
error-internal = 發生錯誤

skills-title = 技能
skills-published = 已發布的技能
skills-none = 尚未發布任何技能。使用 `skillgate skills add DIR` 新增。
drafts-open = 待處理草稿
drafts-all = 全部草稿
drafts-show-all = 顯示全部草稿（含已發布和已拒絕）
drafts-show-open = 只顯示待處理草稿
drafts-none = 沒有可顯示的草稿。
col-skill = 技能
col-description = 描述
col-latest = 最新
col-versions = 版本
col-open-drafts = 待處理草稿
col-draft = 草稿
col-status = 狀態
col-eval = 評估
col-confidence = 信賴度
col-delta = 差值
col-submitted = 提交時間
col-task = 任務
col-verdict = 結論
col-where = 位置
col-rule = 規則
col-severity = 嚴重程度
col-message = 發現
col-section = 章節
col-outcome = 結果
col-similarity = 相似度
col-lost = 遺失的指令
col-when = 時間
col-actor = 操作人
col-action = 操作
col-subject = 對象
col-detail = 詳情

draft-status-submitted = 已提交
draft-status-evaluated = 已評估
draft-status-approved = 已核准
draft-status-rejected = 已拒絕
draft-status-published = 已發布
eval-status-passed = 通過
eval-status-failed = 失敗
eval-status-partial = 部分完成
eval-status-replay_error = 重播錯誤
eval-status-skipped_provider_unavailable = 已略過：模型服務無法使用
eval-status-queued = 排隊中
eval-status-running = 執行中
eval-status-none = 未評估
confidence-high = 高
confidence-medium = 中
confidence-low = 低

draft-title = 草稿
draft-evidence = 證據
draft-no-eval = 此草稿尚無評估報告。請執行 `skillgate eval DRAFT_ID`。
open-report = 開啟報告
safety-report = 安全報告
safety-findings = 安全發現
preservation-report = 保留報告
preservation-open = 保留差異
preservation-new-skill = 無需檢查：這是新技能，沒有需要保留的已發布版本。
report-passed = 通過
report-failed = 失敗
report-missing = 缺少
evals-title = 此草稿的評估

review-title = 審查
review-decision = 決定
review-approve = 核准
review-reject = 拒絕
review-rationale = 理由
review-rationale-help = 為什麼？拒絕時必填；核准部分完成或模型服務無法使用的評估時也必填。
review-submit = 記錄審查
review-history = 審查記錄
review-approved = 已核准
review-rejected = 已拒絕
review-published = 此草稿已發布，審查已關閉。
needs-reviewer = 審查需要審查者角色。
notice-reviewed = 審查已記錄。

publish-title = 發布
publish-button = 發布此草稿
publish-done = 已發布。
publish-history = 發布嘗試
gate-allows = 發布閘門允許發布。
gate-blocks = 發布閘門目前阻擋發布：
gate-phase = 上線階段
gate-fix = 修正方式：
needs-publisher = 發布需要發布者角色。
notice-published = 已發布：此草稿現在是技能的最新版本。
notice-publish-refused = { $count ->
   *[other] 發布被拒絕：{ $count } 條閘門規則未通過。
}

report-title = 報告
verdict-passed = 通過：在已接受的工作上，草稿的表現不比已發布版本差。
verdict-failed = 失敗：草稿讓已接受的工作退步，或靜態檢查未通過。
verdict-partial = 部分完成：評估在所有案例完成前停止；只計算已完成的試驗。
verdict-replay_error = 重播錯誤：重播本身失敗，因此本報告無法說明草稿的好壞。
verdict-skipped_provider_unavailable = 已略過：沒有模型服務回應，只執行了靜態檢查。核准需要書面理由。
verdict-pending = 評估尚未完成。
verdict-unknown = 報告沒有狀態。
verdict-counts = 共 { $total } 個案例：改善 { $improved } 個，退步 { $regressed } 個，不變 { $unchanged } 個。
confidence-sentence-high = 信賴度高：案例多，工具呼叫大多實際執行，區間窄。
confidence-sentence-medium = 信賴度中：證據可用，但未滿足部分高信賴度條件。
confidence-sentence-low = 信賴度低：請將此證據視為薄弱，並進行人工審查。
confidence-sentence-none = 報告未提供信賴度。
heuristic-note = 啟發式模式：沒有進行重播。只執行了格式、安全、保留和描述檢查，因此信賴度一律為低。
scores-title = 分數
baseline-average = 基準平均分
candidate-average = 候選平均分
score-delta = 分數差值
delta-interval = （95% 區間 { $low } 至 { $high }）
case-improved = 改善
case-regressed = 退步
case-unchanged = 不變
coverage-title = 工具呼叫覆蓋率
coverage-executed = 已執行
coverage-surrogate = 替代
coverage-blocked = 已阻擋
coverage-executed-help = 在沙箱中對工作區副本實際執行：最有力的證據。
coverage-surrogate-help = 有副作用，因此只模擬而未執行；結果來自歷史記錄或替代產生。
coverage-blocked-help = 被重播政策拒絕（刪除、權限、憑證、付款）；已告知代理。
confidence-title = 信賴度
confidence-rule = 決定規則
confidence-rules-help = 依預設門檻（可設定）：以下情況為低：完成的案例少於 5 個、執行覆蓋率低於 50%、阻擋覆蓋率高於 30%、超過 20% 的試驗出錯，或區間寬於 0.4；以下全部滿足時為高：至少 20 個案例、執行覆蓋率不低於 80%、沒有被阻擋的呼叫、區間不超過 0.15。
limitations-title = 重播證據的已知限制
limitation-history = 重播品質取決於現有的已接受歷史執行。
limitation-surrogate = 替代評估不等同於實際執行。
limitation-low-confidence = 低信賴度報告需要更多人工審查。
limitation-human = 仍然需要人工核准。
limitation-scope = 本版本沒有依工具設定政策的介面，也沒有完整的依案例容器編排。
meta-title = 執行詳情
meta-mode = 模式
meta-provider = 模型服務
meta-model = 模型
meta-locale = 提示詞語言
meta-replay-cases = 重播案例
meta-usage = 權杖數（輸入 / 輸出）
meta-timings = 耗時
raw-json = 原始 JSON
raw-json-help = 儲存的原始報告，用於除錯。JSON 格式：
cases-count = { $count ->
   *[other] { $count } 個案例
}
cases-none = 本報告沒有列出案例。

case-title = 案例
case-id = 案例編號
case-why = 選擇原因
arm-baseline = 基準
arm-candidate = 候選
arm-mean = 平均分
arm-trigger-rate = 技能載入率
trials-none = 此組沒有記錄試驗。
trial = 試驗
trial-pass = 通過
trial-fail = 未通過
graders = 評分器
tool-calls = 工具呼叫
mode-executed = 已執行
mode-surrogate = 替代
mode-blocked = 已阻擋
side-effect = 原本會：
arguments-result = 參數與結果
transcript = 對話紀錄
final-answer = 最終回答

section-kept = 保留
section-changed = 已修改
section-dropped = 已刪除
dropped-instructions = 被刪除的指令
diff-title = SKILL.md：已發布版本 → 草稿
diff-truncated = 差異過長，其餘部分已截斷。

audit-none = 稽核日誌為空。
kill-switch-title = 緊急開關
kill-switch-replay = 重播
kill-switch-publish = 發布
kill-switch-last = 最近一次變更
kill-switch-publish-too = 同時關閉發布
kill-switch-force = 強制執行，即使有未關閉的 P0 事故
kill-switch-disable = 關閉重播
kill-switch-enable = 開啟重播和發布
state-on = 開
state-off = 關
reason = 原因
notice-replay-disabled = 重播已關閉：評估以啟發式模式執行。
notice-replay-enabled = 重播和發布已開啟。
incidents-title = 事故
incidents-none = 沒有事故。
incident-severity = 嚴重程度
incident-title = 標題
incident-detail = 詳情
incident-open = 建立事故
incident-close = 關閉
incident-open-state = 未關閉
incident-closed-state = 已關閉
root-cause = 根本原因：
notice-incident-opened = 事故 { $id } 已建立。
notice-incident-closed = 事故 { $id } 已關閉。
notice-kill-switch-engaged = P0 事故會關閉重播和發布。

weak-title = 薄弱證據
weak-nondiscriminating = { $count ->
   *[other] { $count } 個評分器在每個案例的兩組中給出相同結果，無法區分兩組。
}
weak-flaky = { $count ->
   *[other] { $count } 個案例的試驗結果差異很大（不穩定）。
}
weak-excluded = { $count ->
   *[other] { $count } 個評分器無法執行，已被排除。
}

# 發布閘門規則（編號來自 skillgate_core::gate）。
gate-review-missing-meaning = 尚未有審查者核准此草稿。
gate-review-missing-fix = 請審查者閱讀評估報告並核准草稿。
gate-review-rejected-meaning = 最近一次審查拒絕了此草稿。
gate-review-rejected-fix = 依審查者的理由修改草稿，並取得新的核准審查。
gate-safety-missing-meaning = 此草稿沒有安全報告，沒有人檢查過破壞性指令、密鑰或隱藏指示。
gate-safety-missing-fix = 對草稿執行安全掃描（提交草稿時會自動執行；若未執行請重新提交）。
gate-safety-failed-meaning = 安全報告至少有一項阻擋性發現（破壞性指令、憑證存取、隱藏指示、密鑰或格式錯誤）。
gate-safety-failed-fix = 逐項修正安全報告中列出的發現（檔案、行、規則）並重新提交草稿。
gate-eval-missing-meaning = 此草稿沒有評估報告。
gate-eval-missing-fix = 執行草稿評估；沒有模型服務時結果為 skipped_provider_unavailable，審查者可附理由核准。
gate-eval-failed-meaning = 評估報告未通過：候選在重播案例上退步，或靜態檢查未通過。
gate-eval-failed-fix = 查看報告中退步的案例，修改草稿後重新評估。
gate-eval-replay-error-meaning = 重播本身失敗，評估報告沒有可用證據。
gate-eval-replay-error-fix = 修正報告中的重播錯誤（模型服務、沙箱或工具設定）後重新評估。
gate-eval-skipped-needs-rationale-meaning = 沒有模型服務回應，評估只產生了啟發式報告（skipped_provider_unavailable）；據此發布需要附理由的核准審查。
gate-eval-skipped-needs-rationale-fix = 模型服務恢復後重新評估，或由審查者附書面理由核准。
gate-eval-partial-not-allowed-meaning = 評估只部分完成（預算用盡或案例出錯），且本部署不接受部分證據。
gate-eval-partial-not-allowed-fix = 提高評估預算或修正出錯案例後重新評估，或在設定中設定 gate.allow_partial_evidence = true。
gate-eval-partial-needs-rationale-meaning = 評估只部分完成；本部署只在核准審查附有理由時接受部分證據。
gate-eval-partial-needs-rationale-fix = 由審查者附書面理由核准，或完成評估。
gate-confidence-missing-meaning = 評估報告沒有信賴度。
gate-confidence-missing-fix = 重新評估；重播評估一律會計算信賴度。
gate-confidence-low-meaning = 評估報告信賴度低：案例太少、執行覆蓋率太低、被阻擋的呼叫或出錯試驗太多，或差值區間太寬。
gate-confidence-low-fix = 閱讀報告中的信賴度原因，然後增加重播案例、讓政策允許更多工具執行或增加試驗次數，再重新評估。
gate-blocked-coverage-full-meaning = 重播中的每個工具呼叫都被阻擋，沒有觀察到任何工具行為。
gate-blocked-coverage-full-fix = 檢查工具政策，讓唯讀工具實際執行、有副作用的工具走替代，或選擇需要較少被阻擋工具的案例，再重新評估。
gate-preservation-failed-meaning = 保留報告未通過：已發布版本的重要章節被刪除，或其指令大多遺失。
gate-preservation-failed-fix = 恢復保留報告中列出的被刪除章節與指令（若確實要刪除，請移除其 <!-- keep --> 標記）並重新提交。
gate-publish-disabled-meaning = 發布已被緊急開關關閉。
gate-publish-disabled-fix = 緊急開關的原因解決後，由管理員重新開啟發布。
gate-incident-open-p0-meaning = 有未關閉的 P0 事故（重播觸及了正式環境、使用者檔案、憑證、帳戶、權限或付款）。
gate-incident-open-p0-fix = 解決並關閉該 P0 事故，然後重新發布。

eval-mode-replay = 重播
eval-mode-heuristic = 啟發式（僅靜態檢查）
start-eval-cases = 案例數
start-eval-trials = 每組試驗次數
start-eval-locale-case = 各案例自己的語言
start-eval = 開始評估
notice-eval-started = 評估已開始：在背景執行；重新整理本頁查看狀態。
meta-trigger-rate = 技能載入率（基準 / 候選）
meta-trials = 試驗
trial-counts = 完成 { $finished } 次，出錯 { $errored } 次，未執行 { $not_run } 次

# 儀表板（指標、警示、事故）
nav-dashboard = 儀表板
dashboard-title = 儀表板
dashboard-window = 時間範圍：
dashboard-window-7d = 7 天
dashboard-window-14d = 14 天
dashboard-window-30d = 30 天
dashboard-period = 指標區間：{ $from } 至 { $to }（UTC）。
no-data = 無資料
dashboard-alerts = 警示
dashboard-alerts-firing = { $count ->
    [0] 沒有警示觸發。
   *[other] { $count } 個警示正在觸發。
}
alert-firing = 觸發中
alert-ok = 正常
alert-what-to-do = 處理方式：
alert-severity-critical = 嚴重
alert-severity-warning = 警告
owner-product = 產品
owner-design = 設計
owner-engineering = 工程
owner-operations = 維運
owner-security = 資安
col-value = 目前值
col-threshold = 門檻
col-metric = 指標
col-opened = 建立時間
col-alert = 警示
col-meaning = 含義 · 處理方式
dashboard-metrics = 指標
metric-publish-rate = 可信技能發布率
metric-publish-rate-detail = { $decided ->
   *[other] 已決定的 { $decided } 份草稿中發布了 { $published } 份
}
metric-decision-time = 審閱決定時間 p50 / p95
metric-decision-time-detail = { $count ->
   *[other] { $count } 次有計時的審閱
}
metric-regression-rate = 重播退步率
metric-regression-rate-detail = { $total ->
   *[other] { $total } 份重播報告中有 { $count } 份出現案例退步
}
metric-skip-rate = 模型服務無法使用的略過率
metric-skip-rate-detail = { $total ->
   *[other] 已結束的 { $total } 次評估中略過了 { $count } 次
}
metric-latency = 重播延遲 p50 / p95
metric-latency-detail = 評估總耗時；不計已略過的評估。
metric-status-counts = 各狀態的評估數
metric-blocked-full = 阻擋覆蓋率為 1.0 的報告
metric-blocked-full-detail = 這些報告中重播沒有執行任何工具；這樣的草稿不得發布。
metric-open-incidents = 未關閉的事故
metric-open-incidents-detail = 目前未關閉的 P0：{ $open }；範圍內新建立的 P0：{ $opened }
metric-preservation-failed = 失敗的保留檢查報告
metric-preservation-failed-detail = { $total ->
   *[other] 範圍內共 { $total } 份保留檢查報告
}
duration-seconds = { $value } 秒
duration-minutes = { $value } 分鐘
duration-hours = { $value } 小時
dashboard-incidents = 未關閉的事故
dashboard-incidents-none = 沒有未關閉的事故。
alert-TrustedPublishRateLow-title = 可信技能發布率過低
alert-TrustedPublishRateLow-meaning = 最近兩週每週已決定的草稿中發布比例都低於 60% 時觸發（數值取較好的一週）。
alert-TrustedPublishRateLow-action = 複查發布門檻與被拒絕的草稿（執行手冊 §7，每週）。
alert-ReviewerDecisionTimeHigh-title = 審閱決定時間過長
alert-ReviewerDecisionTimeHigh-meaning = 範圍內從報告就緒到審閱決定的 p95 時間超過 30 分鐘時觸發。
alert-ReviewerDecisionTimeHigh-action = 查看哪些報告需要很久才能決定；它們可能不易理解。
alert-ReplayRegressionRateHigh-title = 重播退步率過高
alert-ReplayRegressionRateHigh-meaning = 範圍內超過 20% 的重播報告至少有一個案例退步時觸發。
alert-ReplayRegressionRateHigh-action = 檢查退步的案例：是真正退步、誤阻擋，還是草稿遺漏了指示。
alert-ProviderUnavailableSkipRateHigh-title = 模型服務無法使用的略過過多
alert-ProviderUnavailableSkipRateHigh-meaning = 範圍內已結束的評估中超過 25% 因重播模型服務無法使用而略過時觸發。
alert-ProviderUnavailableSkipRateHigh-action = 檢查模型服務設定與模型可用性；暫停大範圍推出（執行手冊 §6，P2）。
alert-ReplayLatencyP95High-title = 重播延遲過高
alert-ReplayLatencyP95High-meaning = 範圍內評估總耗時的 p95 超過 15 分鐘時觸發。
alert-ReplayLatencyP95High-action = 檢查模型服務延遲、案例與試驗數量，以及沙箱狀態。
alert-BlockedCoverageFull-title = 出現阻擋覆蓋率為 1.0 的報告
alert-BlockedCoverageFull-meaning = 範圍內任一評估報告的 blocked_coverage = 1.0 時觸發：重播沒有執行任何工具。
alert-BlockedCoverageFull-action = 這樣的草稿不得發布；檢查被阻擋工具的工具政策。
alert-SideEffectIncident-title = 正式環境副作用（P0）
alert-SideEffectIncident-meaning = 有未關閉的 P0 事故或範圍內新建立了 P0 事故時觸發：重播觸及了正式環境。
alert-SideEffectIncident-action = 保持重播停用（skillgate replay disable），保存軌跡，依執行手冊 §6 P0 處理；關閉時填寫根本原因與回歸案例。
alert-PreservationFailureSpike-title = 保留檢查失敗激增
alert-PreservationFailureSpike-meaning = 最近 7 天失敗的保留檢查報告至少 3 份，且超過先前 4 週每週平均的兩倍時觸發。
alert-PreservationFailureSpike-action = 檢查最近一次合成器變更，並抽查失敗的保留檢查報告。
alert-ReplayErrorSpike-title = 重播錯誤激增
alert-ReplayErrorSpike-meaning = 最近 24 小時 replay_error 或 partial 的評估至少 3 次，且超過先前 7 天每日平均的兩倍時觸發。
alert-ReplayErrorSpike-action = 檢查模型服務與沙箱狀態（執行手冊 §7，每日）。
alert-EvalQueueStuck-title = 評估佇列停滯
alert-EvalQueueStuck-meaning = 佇列中最早的評估工作等待超過 15 分鐘時觸發：沒有 worker 在領取工作。
alert-EvalQueueStuck-action = 啟動 worker（skillgate worker，或帶內建 worker 的 serve）；用 skillgate jobs 查看執行中的工作及其錯誤。
dashboard-jobs = 評估佇列
jobs-oldest-queued = 最早排隊工作已等待
jobs-none-queued = 無排隊工作
jobs-lease-expired = { $count ->
    [one] 有 1 個執行中的工作租約已過期：其 worker 已停止。下一次領取會將其重新排隊。
   *[other] 有 { $count } 個執行中的工作租約已過期：其 worker 已停止。下一次領取會將其重新排隊。
}
jobs-hint = 從草稿頁或 skillgate eval --queue 啟動的評估在此等待，直到 worker（skillgate worker）領取。
job-state-queued = 排隊中
job-state-running = 執行中
job-state-done = 已完成
job-state-failed = 失敗
job-state-unknown = 未知
draft-job-title = 評估工作
draft-job-queued = 正在等待 worker 領取。
draft-job-running = 有 worker 正在執行此評估；重新整理本頁查看進度。
draft-job-failed = 上一個評估工作失敗；請修正原因後重新啟動評估。
draft-job-worker = Worker
draft-job-no-worker = 尚無
draft-job-attempts = 嘗試次數
draft-job-attempts-value = 第 { $attempts } 次，共 { $max } 次
draft-job-queued-at = 排隊時間
draft-job-updated-at = 最後變更
draft-job-last-error = 最近錯誤

# 事故頁
incident-id = 事故編號
incident-view = 詳情
incident-closed-at = 關閉時間
incident-root-cause = 根本原因
incident-close-title = 關閉此事故
incident-close-help = 關閉需要填寫根本原因。P0 事故關閉還需要回歸案例：能重現故障的已儲存執行紀錄編號，以及要固定到的技能；此後該技能的每次評估都會重播它。關閉不會重新啟用重播或發布。
incident-regression-run = 回歸案例：執行紀錄編號
incident-regression-skill = 回歸案例要固定到的技能
incident-regression-optional = P1 與 P2 可不填
notice-incident-closed-pinned = 事故 { $id } 已關閉；執行紀錄 { $run } 已固定為技能 { $skill } 的回歸案例。
error-root-cause-required = 事故 { $id } 未關閉：缺少根本原因。請說明起因。
error-regression-case-required = P0 事故 { $id } 未關閉：缺少回歸案例。請填寫能重現故障的執行紀錄編號與要固定到的技能。
error-regression-skill-missing = 未關閉：回歸案例 { $run } 還需要填寫要固定到的技能。
error-regression-run-missing = 未關閉：技能 { $skill } 的回歸案例還需要填寫能重現故障的執行紀錄編號。
error-regression-run-unknown = 未關閉：執行紀錄 { $run } 不存在。請填寫已匯入的執行紀錄編號（skillgate runs import）。
error-regression-skill-unknown = 未關閉：技能 { $skill } 既沒有已發布版本也沒有草稿。請檢查名稱。
notice-kill-switch-still-off = 重播或發布仍處於關閉狀態：關閉事故不會重新啟用它們。確認安全後，請在「事故與緊急開關」頁面啟用。

# 評估引擎給出的原因，skillgate_core::reason::CATALOGUE 中每個 id 一則（報告頁面用它們顯示報告中的原因紀錄；見 docs/web.md）。
reason-list-separator = {"；"}
reason-and-separator = {"，且"}
reason-confidence-heuristic-mode = 啟發式模式：沒有重播任何案例，只執行了靜態檢查（格式、安全、保留、描述比對），因此信賴度一律為低
reason-confidence-invalid-execution-coverage = 執行覆蓋率為 { $value }，不是有效數字；報告內容有誤
reason-confidence-invalid-blocked-coverage = 阻擋覆蓋率為 { $value }，不是有效數字；報告內容有誤
reason-confidence-invalid-interval-width = 差值區間寬度為 { $value }，不是有效數字；報告內容有誤
reason-confidence-few-cases = 只完成了 { $completed } 個案例；少於 { $min } 個案例不足以比較兩組
reason-confidence-low-execution-coverage = 執行覆蓋率為 { $coverage }，低於 { $min }：大多數工具結果是模擬的或被阻擋了
reason-confidence-high-blocked-coverage = 阻擋覆蓋率為 { $coverage }，高於 { $max }：代理被拒絕的工具呼叫太多
reason-confidence-many-errored-trials = { $total } 次試驗中有 { $errored } 次出錯（{ $rate }），超過 { $max }
reason-confidence-no-interval = 無法計算差值區間（沒有案例在兩組中都完成）
reason-confidence-wide-interval = 分數差值的拔靴法區間寬 { $width }，超過 { $max }：資料無法判斷草稿是有幫助還是有害
reason-confidence-unmet-cases = 完成了 { $completed } 個案例；高信賴度至少需要 { $min } 個
reason-confidence-unmet-execution-coverage = 執行覆蓋率為 { $coverage }；高信賴度至少需要 { $min }
reason-confidence-unmet-blocked-calls = 有 { $blocked } 次工具呼叫被阻擋；高信賴度要求沒有被阻擋的呼叫
reason-confidence-unmet-interval = 差值區間寬 { $width }；高信賴度要求不超過 { $max }
reason-confidence-all-criteria = 完成了 { $completed } 個案例，執行覆蓋率 { $coverage }，沒有被阻擋的呼叫，差值區間寬 { $width }
reason-level-high = 高
reason-level-medium = 中
reason-level-low = 低
reason-status-replay-skipped = 已略過重播：{ $cause }；只執行了靜態檢查
reason-status-heuristic-failed = { $cause }；只執行了靜態檢查，且{ $failures }
reason-status-heuristic-passed = { $cause }；只執行了靜態檢查，且檢查通過——沒有重播證據
reason-status-tripwire = 重播產生了副作用：{ $detail }
reason-status-provider-lost = 在任何試驗完成之前，模型服務就停止回應：{ $error }；只計入靜態檢查
reason-status-all-errored = 全部 { $errored } 次試驗都出錯；錯誤詳情請見各案例報告
reason-status-no-cases = 沒有選出重播案例：此租戶沒有與該技能相符的已接受執行紀錄；請匯入執行紀錄，或以 `skillgate cases add` 固定案例
reason-status-partial = { $causes }；已完成的試驗會保留
reason-status-static-failed = { $failures }
reason-status-mean-regressed = 候選版本的平均分數比基準低 { $drop }（超過 ε = { $epsilon }）
reason-status-more-regressed = 候選版本退步了 { $regressed } 個案例，只改善了 { $improved } 個
reason-status-passed = 候選版本平均不比基準差（差值 { $delta } ≥ −ε），退步 { $regressed } 個案例，改善 { $improved } 個
reason-cause-kill-switch = 重播已被緊急開關關閉（執行 `skillgate replay enable` 可重新啟用）
reason-cause-no-provider = 尚未設定模型服務：請在 skillgate.toml 中設定 [provider]，或設定 SKILLGATE_BASE_URL 與 SKILLGATE_MODEL
reason-cause-budget-spent = { $budget } 個權杖的預算已用完
reason-cause-provider-stopped = 模型服務停止回應（{ $error }）
reason-cause-trials-not-run = { $planned } 次試驗中有 { $not_run } 次未執行
reason-cause-cases-incomplete = { $cases } 個案例中有 { $missing } 個在某一組沒有完成的試驗
reason-cause-safety-failed = 安全報告未通過
reason-cause-preservation-failed = 保留報告未通過
reason-cause-lint-errors = 草稿有格式錯誤
reason-summary-provider-unavailable = 由於模型服務無法使用，沒有進行重播；本報告只包含靜態檢查，信賴度低。審查者必須寫明理由才能核准。
reason-summary-replay-off = 沒有進行重播（重播已關閉）；本報告只包含靜態檢查，因此無論檢查結果如何，信賴度都是低。
reason-summary-replay-failed = 重播失敗，因此目前還沒有關於草稿的證據。
reason-summary-better = 候選版本優於基準：在 { $cases } 個案例上平均分數為 { $candidate } 比 { $baseline }（改善 { $improved } 個，退步 { $regressed } 個，不變 { $unchanged } 個）；信賴度{ $confidence }。
reason-summary-worse = 候選版本不如基準：在 { $cases } 個案例上平均分數為 { $candidate } 比 { $baseline }（改善 { $improved } 個，退步 { $regressed } 個，不變 { $unchanged } 個）；信賴度{ $confidence }。
reason-summary-same = 候選版本與基準表現相當：在 { $cases } 個案例上平均分數為 { $candidate } 比 { $baseline }（改善 { $improved } 個，退步 { $regressed } 個，不變 { $unchanged } 個）；信賴度{ $confidence }。
reason-summary-incomparable = 候選版本無法與基準比較：在 { $cases } 個案例上平均分數為 { $candidate } 比 { $baseline }（改善 { $improved } 個，退步 { $regressed } 個，不變 { $unchanged } 個）；信賴度{ $confidence }。
reason-heuristic-summary = 格式錯誤 { $lint_errors } 個，安全檢查：{ $safety }，保留檢查：{ $preservation }；草稿描述與 { $cases } 個已選案例中的 { $matching } 個有共同關鍵字（{ $share }）
reason-heuristic-summary-no-cases = 格式錯誤 { $lint_errors } 個，安全檢查：{ $safety }，保留檢查：{ $preservation }；草稿描述與 { $cases } 個已選案例中的 { $matching } 個有共同關鍵字
reason-check-passed = 通過
reason-check-failed = 未通過
reason-check-missing = 缺少
reason-check-new-skill = 不適用（新技能）
