# skillgate 网页界面 — 简体中文。键必须与 en/main.ftl 完全一致。
nav-label = 主导航
nav-skills = 技能
nav-audit = 审计日志
nav-admin = 事故与紧急开关
language = 语言
sign-in = 登录
sign-out = 退出
sign-in-help = 粘贴分配给你的 API 令牌（`skillgate token create` 只显示一次）。
sign-in-failed = 无法识别该令牌。请检查，或向管理员申请新令牌。
token = 令牌
dev-mode-banner = 本地开发模式：尚无 API 令牌，本机所有访问者都以管理员身份操作。创建令牌（skillgate token create --role admin --name NAME）即可启用登录。
role-viewer = 查看者
role-reviewer = 评审者
role-publisher = 发布者
role-admin = 管理员
unknown = 未知
back-to-skills = 返回技能列表
error-not-found = 未找到
error-forbidden = 无权操作
error-unauthenticated = 需要登录
error-request = 无法完成请求
error-internal = 出现错误

skills-title = 技能
skills-published = 已发布的技能
skills-none = 尚未发布任何技能。使用 `skillgate skills add DIR` 添加。
drafts-open = 待处理草稿
drafts-all = 全部草稿
drafts-show-all = 显示全部草稿（含已发布和已拒绝）
drafts-show-open = 只显示待处理草稿
drafts-none = 没有可显示的草稿。
col-skill = 技能
col-description = 描述
col-latest = 最新
col-versions = 版本
col-open-drafts = 待处理草稿
col-draft = 草稿
col-status = 状态
col-eval = 评估
col-confidence = 置信度
col-delta = 差值
col-submitted = 提交时间
col-task = 任务
col-verdict = 结论
col-where = 位置
col-rule = 规则
col-severity = 严重程度
col-message = 发现
col-section = 章节
col-outcome = 结果
col-similarity = 相似度
col-lost = 丢失的指令
col-when = 时间
col-actor = 操作人
col-action = 操作
col-subject = 对象
col-detail = 详情

draft-status-submitted = 已提交
draft-status-evaluated = 已评估
draft-status-approved = 已批准
draft-status-rejected = 已拒绝
draft-status-published = 已发布
eval-status-passed = 通过
eval-status-failed = 失败
eval-status-partial = 部分完成
eval-status-replay_error = 回放错误
eval-status-skipped_provider_unavailable = 已跳过：模型服务不可用
eval-status-queued = 排队中
eval-status-running = 运行中
eval-status-none = 未评估
confidence-high = 高
confidence-medium = 中
confidence-low = 低

draft-title = 草稿
draft-evidence = 证据
draft-no-eval = 该草稿还没有评估报告。请运行 `skillgate eval DRAFT_ID`。
open-report = 打开报告
safety-report = 安全报告
safety-findings = 安全发现
preservation-report = 保留报告
preservation-open = 保留差异
preservation-new-skill = 无需检查：这是一个新技能，没有需要保留的已发布版本。
report-passed = 通过
report-failed = 失败
report-missing = 缺失
evals-title = 该草稿的评估

review-title = 评审
review-decision = 决定
review-approve = 批准
review-reject = 拒绝
review-rationale = 理由
review-rationale-help = 为什么？拒绝时必填；批准部分完成或模型服务不可用的评估时也必填。
review-submit = 记录评审
review-history = 评审记录
review-approved = 已批准
review-rejected = 已拒绝
review-published = 该草稿已发布，评审已关闭。
needs-reviewer = 评审需要评审者角色。
notice-reviewed = 评审已记录。

publish-title = 发布
publish-button = 发布此草稿
publish-done = 已发布。
publish-history = 发布尝试
gate-allows = 发布闸门允许发布。
gate-blocks = 发布闸门目前阻止发布：
gate-phase = 上线阶段
gate-fix = 修复方法：
needs-publisher = 发布需要发布者角色。
notice-published = 已发布：该草稿现在是技能的最新版本。
notice-publish-refused = { $count ->
   *[other] 发布被拒绝：{ $count } 条闸门规则未通过。
}

report-title = 报告
verdict-passed = 通过：在已接受的工作上，草稿的表现不差于已发布版本。
verdict-failed = 失败：草稿使已接受的工作退步，或静态检查未通过。
verdict-partial = 部分完成：评估在所有用例完成前停止；只统计已完成的试验。
verdict-replay_error = 回放错误：回放本身失败，因此本报告不能说明草稿的好坏。
verdict-skipped_provider_unavailable = 已跳过：没有模型服务响应，只运行了静态检查。批准需要书面理由。
verdict-pending = 评估尚未完成。
verdict-unknown = 报告没有状态。
verdict-counts = 共 { $total } 个用例：改进 { $improved } 个，退步 { $regressed } 个，不变 { $unchanged } 个。
confidence-sentence-high = 置信度高：用例多，工具调用大多真实执行，区间窄。
confidence-sentence-medium = 置信度中：证据可用，但未满足部分高置信度条件。
confidence-sentence-low = 置信度低：请将此证据视为薄弱，并进行人工评审。
confidence-sentence-none = 报告未给出置信度。
heuristic-note = 启发式模式：没有进行回放。只运行了格式、安全、保留和描述检查，因此置信度总是低。
scores-title = 分数
baseline-average = 基线平均分
candidate-average = 候选平均分
score-delta = 分数差值
delta-interval = （95% 区间 { $low } 至 { $high }）
case-improved = 改进
case-regressed = 退步
case-unchanged = 不变
coverage-title = 工具调用覆盖
coverage-executed = 已执行
coverage-surrogate = 替代
coverage-blocked = 已阻止
coverage-executed-help = 在沙箱中对工作区副本真实运行：最有力的证据。
coverage-surrogate-help = 有副作用，因此只模拟而未运行；结果来自历史记录或替代生成。
coverage-blocked-help = 被回放策略拒绝（删除、权限、凭据、支付）；已告知智能体。
confidence-title = 置信度
confidence-rule = 决定规则
confidence-rules-help = 按默认阈值（可配置）：以下情况为低：完成的用例少于 5 个、执行覆盖低于 50%、阻止覆盖高于 30%、超过 20% 的试验出错，或区间宽于 0.4；以下全部满足时为高：至少 20 个用例、执行覆盖不低于 80%、没有被阻止的调用、区间不超过 0.15。
limitations-title = 回放证据的已知局限
limitation-history = 回放质量取决于现有的已接受历史运行。
limitation-surrogate = 替代评估不等同于真实执行。
limitation-low-confidence = 低置信度报告需要更多人工评审。
limitation-human = 仍然需要人工批准。
limitation-scope = 本版本没有按工具配置策略的界面，也没有完整的按用例容器编排。
meta-title = 运行详情
meta-mode = 模式
meta-provider = 模型服务
meta-model = 模型
meta-locale = 提示词语言
meta-replay-cases = 回放用例
meta-usage = 令牌数（输入 / 输出）
meta-timings = 耗时
raw-json = 原始 JSON
raw-json-help = 存储的原始报告，用于调试。JSON 格式：
cases-count = { $count ->
   *[other] { $count } 个用例
}
cases-none = 本报告没有列出用例。

case-title = 用例
case-id = 用例编号
case-why = 选择原因
arm-baseline = 基线
arm-candidate = 候选
arm-mean = 平均分
arm-trigger-rate = 技能加载率
trials-none = 该组没有记录试验。
trial = 试验
trial-pass = 通过
trial-fail = 未通过
graders = 评分器
tool-calls = 工具调用
mode-executed = 已执行
mode-surrogate = 替代
mode-blocked = 已阻止
side-effect = 原本会：
arguments-result = 参数与结果
transcript = 对话记录
final-answer = 最终回答

section-kept = 保留
section-changed = 已修改
section-dropped = 已删除
dropped-instructions = 被删除的指令
diff-title = SKILL.md：已发布版本 → 草稿
diff-truncated = 差异过长，其余部分已截断。

audit-none = 审计日志为空。
kill-switch-title = 紧急开关
kill-switch-replay = 回放
kill-switch-publish = 发布
kill-switch-last = 最近一次更改
kill-switch-publish-too = 同时关闭发布
kill-switch-force = 强制执行，即使存在未关闭的 P0 事故
kill-switch-disable = 关闭回放
kill-switch-enable = 开启回放和发布
state-on = 开
state-off = 关
reason = 原因
notice-replay-disabled = 回放已关闭：评估以启发式模式运行。
notice-replay-enabled = 回放和发布已开启。
incidents-title = 事故
incidents-none = 没有事故。
incident-severity = 严重程度
incident-title = 标题
incident-detail = 详情
incident-open = 创建事故
incident-close = 关闭
incident-open-state = 未关闭
incident-closed-state = 已关闭
root-cause = 根本原因：
notice-incident-opened = 事故 { $id } 已创建。
notice-incident-closed = 事故 { $id } 已关闭。
notice-kill-switch-engaged = P0 事故会关闭回放和发布。

weak-title = 薄弱证据
weak-nondiscriminating = { $count ->
   *[other] { $count } 个评分器在每个用例的两组中给出相同结果，无法区分两组。
}
weak-flaky = { $count ->
   *[other] { $count } 个用例的试验结果差异很大（不稳定）。
}
weak-excluded = { $count ->
   *[other] { $count } 个评分器无法运行，已被排除。
}

# 发布闸门规则（编号来自 skillgate_core::gate）。
gate-review-missing-meaning = 还没有评审者批准此草稿。
gate-review-missing-fix = 请评审者阅读评估报告并批准草稿。
gate-review-rejected-meaning = 最近一次评审拒绝了此草稿。
gate-review-rejected-fix = 按评审者的理由修改草稿，并取得新的批准评审。
gate-safety-missing-meaning = 此草稿没有安全报告，没有人检查过破坏性命令、密钥或隐藏指令。
gate-safety-missing-fix = 对草稿运行安全扫描（提交草稿时会自动运行；若未运行请重新提交）。
gate-safety-failed-meaning = 安全报告至少有一项阻断性发现（破坏性命令、凭据访问、隐藏指令、密钥或格式错误）。
gate-safety-failed-fix = 逐项修复安全报告中列出的发现（文件、行、规则）并重新提交草稿。
gate-eval-missing-meaning = 此草稿没有评估报告。
gate-eval-missing-fix = 运行草稿评估；没有模型服务时结果为 skipped_provider_unavailable，评审者可附理由批准。
gate-eval-failed-meaning = 评估报告未通过：候选在回放用例上退步，或静态检查未通过。
gate-eval-failed-fix = 查看报告中退步的用例，修改草稿后重新评估。
gate-eval-replay-error-meaning = 回放本身失败，评估报告没有可用证据。
gate-eval-replay-error-fix = 修复报告中的回放错误（模型服务、沙箱或工具配置）后重新评估。
gate-eval-skipped-needs-rationale-meaning = 没有模型服务响应，评估只生成了启发式报告（skipped_provider_unavailable）；据此发布需要附理由的批准评审。
gate-eval-skipped-needs-rationale-fix = 模型服务恢复后重新评估，或由评审者附书面理由批准。
gate-eval-partial-not-allowed-meaning = 评估只部分完成（预算用尽或用例出错），且本部署不接受部分证据。
gate-eval-partial-not-allowed-fix = 提高评估预算或修复出错用例后重新评估，或在配置中设置 gate.allow_partial_evidence = true。
gate-eval-partial-needs-rationale-meaning = 评估只部分完成；本部署只在批准评审附有理由时接受部分证据。
gate-eval-partial-needs-rationale-fix = 由评审者附书面理由批准，或完成评估。
gate-confidence-missing-meaning = 评估报告没有置信度。
gate-confidence-missing-fix = 重新评估；回放评估总会计算置信度。
gate-confidence-low-meaning = 评估报告置信度低：用例太少、执行覆盖太低、被阻止的调用或出错试验太多，或差值区间太宽。
gate-confidence-low-fix = 阅读报告中的置信度原因，然后增加回放用例、让策略允许更多工具执行或增加试验次数，再重新评估。
gate-blocked-coverage-full-meaning = 回放中的每个工具调用都被阻止，没有观察到任何工具行为。
gate-blocked-coverage-full-fix = 检查工具策略，让只读工具真实执行、有副作用的工具走替代，或选择需要更少被阻止工具的用例，再重新评估。
gate-preservation-failed-meaning = 保留报告未通过：已发布版本的重要章节被删除，或其指令大多丢失。
gate-preservation-failed-fix = 恢复保留报告中列出的被删除章节和指令（若确实要删除，请移除其 <!-- keep --> 标记）并重新提交。
gate-publish-disabled-meaning = 发布已被紧急开关关闭。
gate-publish-disabled-fix = 紧急开关的原因解决后，由管理员重新开启发布。
gate-incident-open-p0-meaning = 存在未关闭的 P0 事故（回放触及了生产环境、用户文件、凭据、账户、权限或支付）。
gate-incident-open-p0-fix = 解决并关闭该 P0 事故，然后重新发布。

eval-mode-replay = 回放
eval-mode-heuristic = 启发式（仅静态检查）
start-eval-cases = 用例数
start-eval-trials = 每组试验次数
start-eval-locale-case = 各用例自己的语言
start-eval = 开始评估
notice-eval-started = 评估已开始：在后台运行；刷新本页查看状态。
meta-trigger-rate = 技能加载率（基线 / 候选）
meta-trials = 试验
trial-counts = 完成 { $finished } 次，出错 { $errored } 次，未运行 { $not_run } 次

# 仪表盘（指标、告警、事故）
nav-dashboard = 仪表盘
dashboard-title = 仪表盘
dashboard-window = 时间窗口：
dashboard-window-7d = 7 天
dashboard-window-14d = 14 天
dashboard-window-30d = 30 天
dashboard-period = 指标区间：{ $from } 至 { $to }（UTC）。
no-data = 无数据
dashboard-alerts = 告警
dashboard-alerts-firing = { $count ->
    [0] 没有告警触发。
   *[other] { $count } 个告警正在触发。
}
alert-firing = 触发中
alert-ok = 正常
alert-what-to-do = 处理方法：
alert-severity-critical = 严重
alert-severity-warning = 警告
owner-product = 产品
owner-design = 设计
owner-engineering = 工程
owner-operations = 运维
owner-security = 安全
col-value = 当前值
col-threshold = 阈值
col-metric = 指标
col-opened = 创建时间
col-alert = 告警
col-meaning = 含义 · 处理方法
dashboard-metrics = 指标
metric-publish-rate = 可信技能发布率
metric-publish-rate-detail = { $decided ->
   *[other] 已决定的 { $decided } 个草稿中发布了 { $published } 个
}
metric-decision-time = 审阅决定时间 p50 / p95
metric-decision-time-detail = { $count ->
   *[other] { $count } 次有计时的审阅
}
metric-regression-rate = 回放退化率
metric-regression-rate-detail = { $total ->
   *[other] { $total } 份回放报告中有 { $count } 份出现用例退化
}
metric-skip-rate = 模型服务不可用跳过率
metric-skip-rate-detail = { $total ->
   *[other] 已结束的 { $total } 次评估中跳过了 { $count } 次
}
metric-latency = 回放延迟 p50 / p95
metric-latency-detail = 评估总耗时；不计已跳过的评估。
metric-status-counts = 各状态的评估数
metric-blocked-full = 阻止覆盖率为 1.0 的报告
metric-blocked-full-detail = 这些报告中回放没有执行任何工具；这样的草稿不得发布。
metric-open-incidents = 未关闭的事故
metric-open-incidents-detail = 当前未关闭的 P0：{ $open }；窗口内新建的 P0：{ $opened }
metric-preservation-failed = 失败的保留检查报告
metric-preservation-failed-detail = { $total ->
   *[other] 窗口内共 { $total } 份保留检查报告
}
duration-seconds = { $value } 秒
duration-minutes = { $value } 分钟
duration-hours = { $value } 小时
dashboard-incidents = 未关闭的事故
dashboard-incidents-none = 没有未关闭的事故。
alert-TrustedPublishRateLow-title = 可信技能发布率过低
alert-TrustedPublishRateLow-meaning = 最近两周每周已决定的草稿中发布比例都低于 60% 时触发（数值取较好的一周）。
alert-TrustedPublishRateLow-action = 复查发布门禁阈值和被拒绝的草稿（运行手册 §7，每周）。
alert-ReviewerDecisionTimeHigh-title = 审阅决定时间过长
alert-ReviewerDecisionTimeHigh-meaning = 窗口内从报告就绪到审阅决定的 p95 时间超过 30 分钟时触发。
alert-ReviewerDecisionTimeHigh-action = 查看哪些报告需要很长时间才能决定；它们可能难以理解。
alert-ReplayRegressionRateHigh-title = 回放退化率过高
alert-ReplayRegressionRateHigh-meaning = 窗口内超过 20% 的回放报告至少有一个用例退化时触发。
alert-ReplayRegressionRateHigh-action = 检查退化的用例：是真实退化、误阻止，还是草稿丢失了指令。
alert-ProviderUnavailableSkipRateHigh-title = 模型服务不可用跳过过多
alert-ProviderUnavailableSkipRateHigh-meaning = 窗口内已结束的评估中超过 25% 因回放模型服务不可用而跳过时触发。
alert-ProviderUnavailableSkipRateHigh-action = 检查模型服务配置和模型可用性；暂停大范围推广（运行手册 §6，P2）。
alert-ReplayLatencyP95High-title = 回放延迟过高
alert-ReplayLatencyP95High-meaning = 窗口内评估总耗时的 p95 超过 15 分钟时触发。
alert-ReplayLatencyP95High-action = 检查模型服务延迟、用例和试验数量以及沙箱状态。
alert-BlockedCoverageFull-title = 出现阻止覆盖率为 1.0 的报告
alert-BlockedCoverageFull-meaning = 窗口内任一评估报告的 blocked_coverage = 1.0 时触发：回放没有执行任何工具。
alert-BlockedCoverageFull-action = 这样的草稿不得发布；检查被阻止工具的工具策略。
alert-SideEffectIncident-title = 生产环境副作用（P0）
alert-SideEffectIncident-meaning = 有未关闭的 P0 事故或窗口内新建了 P0 事故时触发：回放触及了生产环境。
alert-SideEffectIncident-action = 保持回放关闭（skillgate replay disable），保留轨迹，按运行手册 §6 P0 处理；关闭事故时填写根本原因和回归用例。
alert-PreservationFailureSpike-title = 保留检查失败激增
alert-PreservationFailureSpike-meaning = 最近 7 天失败的保留检查报告至少 3 份，且超过此前 4 周每周平均数的两倍时触发。
alert-PreservationFailureSpike-action = 检查最近一次合成器改动，并抽查失败的保留检查报告。
alert-ReplayErrorSpike-title = 回放错误激增
alert-ReplayErrorSpike-meaning = 最近 24 小时 replay_error 或 partial 的评估至少 3 次，且超过此前 7 天每日平均数的两倍时触发。
alert-ReplayErrorSpike-action = 检查模型服务和沙箱状态（运行手册 §7，每日）。
alert-EvalQueueStuck-title = 评估队列停滞
alert-EvalQueueStuck-meaning = 队列中最早的评估任务等待超过 15 分钟时触发：没有 worker 在领取任务。
alert-EvalQueueStuck-action = 启动 worker（skillgate worker，或带内置 worker 的 serve）；用 skillgate jobs 查看运行中的任务及其错误。
dashboard-jobs = 评估队列
jobs-oldest-queued = 最早排队任务已等待
jobs-none-queued = 无排队任务
jobs-lease-expired = { $count ->
    [one] 有 1 个运行中的任务租约已过期：其 worker 已停止。下一次领取会将其重新排队。
   *[other] 有 { $count } 个运行中的任务租约已过期：其 worker 已停止。下一次领取会将其重新排队。
}
jobs-hint = 从草稿页或 skillgate eval --queue 启动的评估在此等待，直到 worker（skillgate worker）领取。
job-state-queued = 排队中
job-state-running = 运行中
job-state-done = 已完成
job-state-failed = 失败
job-state-unknown = 未知
draft-job-title = 评估任务
draft-job-queued = 正在等待 worker 领取。
draft-job-running = 有 worker 正在运行此评估；刷新本页查看进度。
draft-job-failed = 上一个评估任务失败；请修复原因后重新启动评估。
draft-job-worker = Worker
draft-job-no-worker = 尚无
draft-job-attempts = 尝试次数
draft-job-attempts-value = 第 { $attempts } 次，共 { $max } 次
draft-job-queued-at = 排队时间
draft-job-updated-at = 最后变更
draft-job-last-error = 最近错误

# 事故页
incident-id = 事故编号
incident-view = 详情
incident-closed-at = 关闭时间
incident-root-cause = 根本原因
incident-close-title = 关闭此事故
incident-close-help = 关闭事故需要填写根本原因。关闭 P0 事故还需要回归用例：能复现故障的已存储运行记录编号，以及要固定到的技能；此后该技能的每次评估都会回放它。关闭事故不会重新开启回放或发布。
incident-regression-run = 回归用例：运行记录编号
incident-regression-skill = 回归用例要固定到的技能
incident-regression-optional = P1 和 P2 可不填
notice-incident-closed-pinned = 事故 { $id } 已关闭；运行记录 { $run } 已固定为技能 { $skill } 的回归用例。
error-root-cause-required = 事故 { $id } 未关闭：缺少根本原因。请说明起因。
error-regression-case-required = P0 事故 { $id } 未关闭：缺少回归用例。请填写能复现故障的运行记录编号和要固定到的技能。
error-regression-skill-missing = 未关闭：回归用例 { $run } 还需要填写要固定到的技能。
error-regression-run-missing = 未关闭：技能 { $skill } 的回归用例还需要填写能复现故障的运行记录编号。
error-regression-run-unknown = 未关闭：运行记录 { $run } 不存在。请填写已导入的运行记录编号（skillgate runs import）。
error-regression-skill-unknown = 未关闭：技能 { $skill } 既没有已发布版本也没有草稿。请检查名称。
notice-kill-switch-still-off = 回放或发布仍处于关闭状态：关闭事故不会重新开启它们。确认安全后，请在“事故与紧急开关”页面开启。

# 评估引擎给出的原因，skillgate_core::reason::CATALOGUE 中每个 id 一条（报告页面用它们显示报告中的原因记录；见 docs/web.md）。
reason-list-separator = {"；"}
reason-and-separator = {"，且"}
reason-confidence-heuristic-mode = 启发式模式：没有回放任何用例，只运行了静态检查（格式、安全、保留、描述匹配），因此置信度总是低
reason-confidence-invalid-execution-coverage = 执行覆盖为 { $value }，不是有效数字；报告已损坏
reason-confidence-invalid-blocked-coverage = 阻止覆盖为 { $value }，不是有效数字；报告已损坏
reason-confidence-invalid-interval-width = 差值区间宽度为 { $value }，不是有效数字；报告已损坏
reason-confidence-few-cases = 只完成了 { $completed } 个用例；少于 { $min } 个用例不足以比较两组
reason-confidence-low-execution-coverage = 执行覆盖为 { $coverage }，低于 { $min }：大多数工具结果是模拟的或被阻止了
reason-confidence-high-blocked-coverage = 阻止覆盖为 { $coverage }，高于 { $max }：智能体被拒绝的工具调用太多
reason-confidence-many-errored-trials = { $total } 次试验中有 { $errored } 次出错（{ $rate }），超过 { $max }
reason-confidence-no-interval = 无法计算差值区间（没有用例在两组中都完成）
reason-confidence-wide-interval = 分数差值的自助法区间宽 { $width }，超过 { $max }：数据无法判断草稿是有帮助还是有害
reason-confidence-unmet-cases = 完成了 { $completed } 个用例；高置信度至少需要 { $min } 个
reason-confidence-unmet-execution-coverage = 执行覆盖为 { $coverage }；高置信度至少需要 { $min }
reason-confidence-unmet-blocked-calls = 有 { $blocked } 次工具调用被阻止；高置信度要求没有被阻止的调用
reason-confidence-unmet-interval = 差值区间宽 { $width }；高置信度要求不超过 { $max }
reason-confidence-all-criteria = 完成了 { $completed } 个用例，执行覆盖 { $coverage }，没有被阻止的调用，差值区间宽 { $width }
reason-level-high = 高
reason-level-medium = 中
reason-level-low = 低
reason-status-replay-skipped = 已跳过回放：{ $cause }；只运行了静态检查
reason-status-heuristic-failed = { $cause }；只运行了静态检查，且{ $failures }
reason-status-heuristic-passed = { $cause }；只运行了静态检查，且检查通过——没有回放证据
reason-status-tripwire = 回放产生了副作用：{ $detail }
reason-status-provider-lost = 在任何试验完成之前模型服务就停止了响应：{ $error }；只计入静态检查
reason-status-all-errored = 全部 { $errored } 次试验都出错了；错误详情见各用例报告
reason-status-no-cases = 没有选出回放用例：该租户没有与此技能匹配的已接受运行记录；请导入运行记录，或用 `skillgate cases add` 固定用例
reason-status-partial = { $causes }；已完成的试验会保留
reason-status-static-failed = { $failures }
reason-status-mean-regressed = 候选版本的平均分比基线低 { $drop }（超过 ε = { $epsilon }）
reason-status-more-regressed = 候选版本退步了 { $regressed } 个用例，只改善了 { $improved } 个
reason-status-passed = 候选版本平均不比基线差（差值 { $delta } ≥ −ε），退步 { $regressed } 个用例，改善 { $improved } 个
reason-cause-kill-switch = 回放已被紧急开关关闭（运行 `skillgate replay enable` 可重新开启）
reason-cause-no-provider = 未配置模型服务：请在 skillgate.toml 中设置 [provider]，或设置 SKILLGATE_BASE_URL 和 SKILLGATE_MODEL
reason-cause-budget-spent = { $budget } 个令牌的预算已用完
reason-cause-provider-stopped = 模型服务停止了响应（{ $error }）
reason-cause-trials-not-run = { $planned } 次试验中有 { $not_run } 次没有运行
reason-cause-cases-incomplete = { $cases } 个用例中有 { $missing } 个在某一组中没有完成的试验
reason-cause-safety-failed = 安全报告未通过
reason-cause-preservation-failed = 保留报告未通过
reason-cause-lint-errors = 草稿有格式错误
reason-summary-provider-unavailable = 模型服务不可用，因此没有进行回放；本报告只包含静态检查，置信度低。审查者只有写明理由才能批准。
reason-summary-replay-off = 没有进行回放（回放已关闭）；本报告只包含静态检查，因此无论检查结果如何，置信度都低。
reason-summary-replay-failed = 回放失败，因此目前还没有关于草稿的证据。
reason-summary-better = 候选版本优于基线：在 { $cases } 个用例上平均分为 { $candidate } 对 { $baseline }（改善 { $improved } 个，退步 { $regressed } 个，不变 { $unchanged } 个）；置信度{ $confidence }。
reason-summary-worse = 候选版本不如基线：在 { $cases } 个用例上平均分为 { $candidate } 对 { $baseline }（改善 { $improved } 个，退步 { $regressed } 个，不变 { $unchanged } 个）；置信度{ $confidence }。
reason-summary-same = 候选版本与基线表现相当：在 { $cases } 个用例上平均分为 { $candidate } 对 { $baseline }（改善 { $improved } 个，退步 { $regressed } 个，不变 { $unchanged } 个）；置信度{ $confidence }。
reason-summary-incomparable = 候选版本无法与基线比较：在 { $cases } 个用例上平均分为 { $candidate } 对 { $baseline }（改善 { $improved } 个，退步 { $regressed } 个，不变 { $unchanged } 个）；置信度{ $confidence }。
reason-heuristic-summary = 格式错误 { $lint_errors } 个，安全检查：{ $safety }，保留检查：{ $preservation }；草稿描述与 { $cases } 个已选用例中的 { $matching } 个有共同关键词（{ $share }）
reason-heuristic-summary-no-cases = 格式错误 { $lint_errors } 个，安全检查：{ $safety }，保留检查：{ $preservation }；草稿描述与 { $cases } 个已选用例中的 { $matching } 个有共同关键词
reason-check-passed = 通过
reason-check-failed = 未通过
reason-check-missing = 缺失
reason-check-new-skill = 不适用（新技能）
