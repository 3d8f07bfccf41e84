//! The word lists of SPEC §4: which English and Chinese words mark a tool as a
//! read, a write, an external side effect, or a blocked action.
//!
//! English words are matched as whole tokens of a name (snake_case, camelCase,
//! kebab-case) after a small inflection step (`deletes`, `deleting`, `deleted`
//! → `delete`). Chinese words are matched as substrings of a run of Han
//! characters, since Chinese has no word boundaries.

use std::collections::HashMap;
use std::sync::LazyLock;

/// What a word says about a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Class {
    /// Reads data (get, list, search, fetch, navigate …).
    Read,
    /// Computes without touching anything (calculate, convert, think …).
    Compute,
    /// Changes state (create, update, write, edit, move …); executed only
    /// when the tool's effects are confined to the replay workspace.
    Write,
    /// Runs code or commands (run, execute, bash …); like [`Class::Write`].
    Execute,
    /// An external side effect (send, post, publish, reply, invite, share …).
    Send,
    /// A destructive action (delete, remove, destroy, drop, purge, wipe …).
    Delete,
    /// A permission change (grant, revoke, chmod, role, collaborator …).
    Permission,
    /// Credentials, secrets, tokens, passwords, API keys.
    Credential,
    /// Payments, transfers, refunds, charges, purchases.
    Payment,
}

impl Class {
    /// Whether words of this class block a tool.
    pub(crate) fn is_blocked(self) -> bool {
        matches!(
            self,
            Class::Delete | Class::Permission | Class::Credential | Class::Payment
        )
    }

    /// Whether a tool whose main verb has this class only reads or computes.
    pub(crate) fn is_read(self) -> bool {
        matches!(self, Class::Read | Class::Compute)
    }

    /// The stable rule id (`verb:delete`, `verb:send`, …).
    pub(crate) fn rule_id(self) -> &'static str {
        match self {
            Class::Read => "verb:read",
            Class::Compute => "verb:compute",
            Class::Write => "verb:write",
            Class::Execute => "verb:execute",
            Class::Send => "verb:send",
            Class::Delete => "verb:delete",
            Class::Permission => "verb:permission",
            Class::Credential => "verb:credential",
            Class::Payment => "verb:payment",
        }
    }
}

/// Whether a lexicon entry is an action or a thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An action word; the first one in a name is the tool's main verb.
    Verb,
    /// A thing (password, payment, role): it blocks a tool that acts on it,
    /// and for credentials also one that reads it.
    Noun,
    /// A compound noun that only consumes its words (`pull request` is not
    /// the verb `pull` followed by the verb `request`).
    Neutral,
}

/// One entry of the English word list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    /// What the word says.
    pub class: Class,
    /// Action or thing.
    pub kind: Kind,
}

/// The English word list: dictionary forms (and listed plurals of nouns),
/// grouped by what they say.
#[rustfmt::skip]
const WORDS: &[(&[&str], Entry)] = &[
    // blocked: destructive actions
    (&[
        "delete", "del", "remove", "rm", "rmdir", "destroy", "drop", "purge", "wipe", "erase",
        "truncate", "kill", "terminate", "trash", "unlink", "uninstall", "discard", "shred",
        "nuke", "obliterate", "expunge", "deprovision", "decommission", "clear", "empty",
        "cleanup", "prune", "evict",
    ], verb_of(Class::Delete)),
    // blocked: destructive actions (things)
    (&[
        "deletion", "deletions", "removal", "removals", "destruction", "erasure",
    ], noun_of(Class::Delete)),
    // --- blocked: permissions
    // blocked: permission changes
    (&[
        "grant", "revoke", "chmod", "chown", "chgrp", "setfacl", "impersonate", "elevate",
        "authorize", "deauthorize", "unshare", "ban", "suspend", "deactivate", "sudo", "kick",
    ], verb_of(Class::Permission)),
    // blocked: permissions (things: act on them and it is blocked)
    (&[
        "permission", "permissions", "acl", "acls", "role", "roles", "collaborator",
        "collaborators", "privilege", "privileges", "ownership", "admin", "admins", "membership",
        "memberships", "sharing", "visibility", "iam",
    ], noun_of(Class::Permission)),
    // --- blocked: credentials
    // blocked: credentials (even reading them)
    (&[
        "password", "passwords", "passwd", "passphrase", "passphrases", "secret", "secrets",
        "credential", "credentials", "creds", "token", "tokens", "apikey", "apikeys", "keypair",
        "keypairs", "keychain", "keyring", "otp", "totp", "cookie", "cookies", "mfa",
    ], noun_of(Class::Credential)),
    // blocked: using credentials
    (&[
        "login", "logon", "signin", "authenticate",
    ], verb_of(Class::Credential)),
    // --- blocked: payments
    // blocked: payments
    (&[
        "pay", "charge", "refund", "transfer", "purchase", "buy", "withdraw", "deposit",
        "payout", "remit", "wire", "donate", "invoice", "bill", "reimburse", "sell", "renew",
    ], verb_of(Class::Payment)),
    // blocked: payments (things: act on them and it is blocked)
    (&[
        "payment", "payments", "invoices", "refunds", "payouts", "billing", "wallet", "wallets",
        "funds", "money", "remittance",
    ], noun_of(Class::Payment)),
    // --- surrogate: external side effects
    // surrogate: external side effects
    (&[
        "send", "post", "publish", "reply", "respond", "invite", "share", "comment", "notify",
        "message", "forward", "tweet", "broadcast", "announce", "submit", "push", "deploy",
        "upload", "schedule", "book", "reserve", "request", "assign", "unassign", "mention",
        "dm", "dispatch", "trigger", "rerun", "fork", "star", "unstar", "follow", "unfollow",
        "like", "react", "vote", "approve", "reject", "accept", "decline", "rsvp", "join",
        "leave", "unresolve", "subscribe", "unsubscribe", "sms", "call", "handoff", "escalate",
    ], verb_of(Class::Send)),
    // --- executed only inside the replay workspace: writes
    // executed only inside the replay workspace: writes
    (&[
        "create", "update", "write", "edit", "modify", "set", "add", "insert", "save", "put",
        "patch", "rename", "move", "mv", "copy", "cp", "mkdir", "touch", "append", "replace",
        "overwrite", "apply", "commit", "merge", "checkout", "reset", "revert", "restore",
        "undelete", "recover", "unarchive", "rebase", "stage", "unstage", "draft", "archive",
        "cancel", "close", "reopen", "enable", "disable", "lock", "unlock", "mark", "download",
        "install", "upgrade", "configure", "register", "import", "sync", "upsert", "increment",
        "decrement", "clone", "init", "initialize", "fill", "click", "type", "press", "drag",
        "change", "switch", "toggle", "store", "tag", "label", "pin", "unpin", "resize",
        "exchange", "swap", "migrate", "provision", "launch", "start", "stop", "restart",
        "pause", "resume", "dismiss", "reprioritize", "fix", "repair", "mute", "unmute",
        "generate", "build", "make", "compile", "format",
    ], verb_of(Class::Write)),
    // --- executed only inside the replay workspace: code and commands
    // executed only inside the replay workspace: code and commands
    (&[
        "run", "execute", "exec", "eval", "evaluate", "bash", "shell", "sh", "powershell", "cmd",
        "terminal", "spawn", "invoke", "script",
    ], verb_of(Class::Execute)),
    // --- executed: reads
    // executed: reads
    (&[
        "read", "get", "list", "ls", "search", "find", "fetch", "query", "view", "show",
        "describe", "lookup", "browse", "navigate", "visit", "retrieve", "inspect", "check",
        "stat", "diff", "blame", "cat", "head", "tail", "grep", "glob", "screenshot", "hover",
        "explore", "preview", "peek", "scrape", "crawl", "whoami", "poll", "scroll", "wait",
        "sleep", "echo",
    ], verb_of(Class::Read)),
    // --- executed: pure computation
    // executed: pure computation
    (&[
        "calculate", "calc", "compute", "convert", "think", "plan", "analyze", "analyse",
        "summarize", "summarise", "translate", "parse", "validate", "count", "estimate",
        "compare", "explain", "lint", "tokenize", "hash", "encode", "decode", "render", "reason",
        "reflect",
    ], verb_of(Class::Compute)),
];

const fn verb_of(class: Class) -> Entry {
    Entry {
        class,
        kind: Kind::Verb,
    }
}

const fn noun_of(class: Class) -> Entry {
    Entry {
        class,
        kind: Kind::Noun,
    }
}

/// [`WORDS`] indexed by word, built once.
static INDEX: LazyLock<HashMap<&'static str, Entry>> = LazyLock::new(|| {
    WORDS
        .iter()
        .flat_map(|(words, entry)| words.iter().map(move |w| (*w, *entry)))
        .collect()
});

/// Looks up one lowercase English word in its dictionary form.
pub(crate) fn lookup(word: &str) -> Option<Entry> {
    INDEX.get(word).copied()
}

/// Multi-word English phrases, matched before single words. Each is a list of
/// tokens and what the whole phrase says.
pub(crate) const PHRASES: &[(&[&str], Entry)] = &[
    (&["pull", "request"], NEUTRAL),
    (&["pull", "requests"], NEUTRAL),
    (&["merge", "request"], NEUTRAL),
    (&["merge", "requests"], NEUTRAL),
    (&["read", "only"], NEUTRAL),
    (&["dry", "run"], NEUTRAL),
    (&["look", "up"], READ),
    (&["go", "to"], READ),
    (&["check", "in"], CHECK_IN),
    (&["check", "out"], CHECK_OUT),
    (&["log", "in"], LOG_IN),
    (&["sign", "in"], LOG_IN),
    (&["tear", "down"], DELETE),
    (&["share", "permission"], PERMISSION),
    (&["share", "permissions"], PERMISSION),
    (&["api", "key"], CREDENTIAL),
    (&["api", "keys"], CREDENTIAL),
    (&["access", "key"], CREDENTIAL),
    (&["access", "keys"], CREDENTIAL),
    (&["secret", "key"], CREDENTIAL),
    (&["private", "key"], CREDENTIAL),
    (&["private", "keys"], CREDENTIAL),
    (&["ssh", "key"], CREDENTIAL),
    (&["ssh", "keys"], CREDENTIAL),
    (&["gpg", "key"], CREDENTIAL),
    (&["gpg", "keys"], CREDENTIAL),
    (&["deploy", "key"], CREDENTIAL),
    (&["deploy", "keys"], CREDENTIAL),
    (&["signing", "key"], CREDENTIAL),
    (&["signing", "keys"], CREDENTIAL),
    (&["auth", "key"], CREDENTIAL),
    (&["credit", "card"], PAYMENT),
    (&["credit", "cards"], PAYMENT),
    (&["bank", "account"], PAYMENT),
    (&["bank", "accounts"], PAYMENT),
    // A hand-off to a person is a side effect, not a money transfer.
    (&["transfer", "to", "human"], HANDOFF),
    (&["transfer", "to", "humans"], HANDOFF),
    (&["transfer", "to", "agent"], HANDOFF),
    (&["transfer", "to", "agents"], HANDOFF),
    (&["transfer", "to", "support"], HANDOFF),
    (&["transfer", "to", "operator"], HANDOFF),
    (&["transfer", "to", "representative"], HANDOFF),
];

const NEUTRAL: Entry = Entry {
    class: Class::Read,
    kind: Kind::Neutral,
};
const READ: Entry = Entry {
    class: Class::Read,
    kind: Kind::Verb,
};
const DELETE: Entry = Entry {
    class: Class::Delete,
    kind: Kind::Verb,
};
const PERMISSION: Entry = Entry {
    class: Class::Permission,
    kind: Kind::Verb,
};
const CREDENTIAL: Entry = Entry {
    class: Class::Credential,
    kind: Kind::Noun,
};
const PAYMENT: Entry = Entry {
    class: Class::Payment,
    kind: Kind::Noun,
};
const CHECK_IN: Entry = Entry {
    class: Class::Send,
    kind: Kind::Verb,
};
const CHECK_OUT: Entry = Entry {
    class: Class::Payment,
    kind: Kind::Verb,
};
const LOG_IN: Entry = Entry {
    class: Class::Credential,
    kind: Kind::Verb,
};
const HANDOFF: Entry = Entry {
    class: Class::Send,
    kind: Kind::Verb,
};

/// Input-schema properties through which a tool takes code or commands to run.
pub(crate) fn is_code_argument(property: &str) -> bool {
    matches!(
        property.to_ascii_lowercase().as_str(),
        "sql"
            | "sql_query"
            | "statement"
            | "command"
            | "cmd"
            | "commands"
            | "script"
            | "javascript"
            | "shell_command"
            | "bash_command"
    )
}

/// Words joining two actions (`get_or_create`, `search_and_delete`).
pub(crate) fn is_coordinator(word: &str) -> bool {
    matches!(word, "and" | "or" | "then" | "plus" | "also")
}

/// Verbs that undo a deletion: `restore_deleted_file` is not destructive.
pub(crate) fn undoes_deletion(word: &str) -> bool {
    matches!(
        word,
        "restore" | "undelete" | "recover" | "unarchive" | "untrash"
    )
}

/// One Chinese entry: the word, what it says, and an English gloss for reasons.
pub(crate) struct CjkEntry {
    /// The word as written (simplified or traditional).
    pub word: &'static str,
    /// What the word says.
    pub class: Class,
    /// Action or thing.
    pub kind: Kind,
    /// English gloss shown in reasons.
    pub gloss: &'static str,
}

const fn cjk(word: &'static str, class: Class, kind: Kind, gloss: &'static str) -> CjkEntry {
    CjkEntry {
        word,
        class,
        kind,
        gloss,
    }
}

/// Chinese words, simplified and traditional. Longer words come first where
/// one contains another, so the longest match wins.
pub(crate) const CJK: &[CjkEntry] = &[
    // destructive
    cjk("删除", Class::Delete, Kind::Verb, "delete"),
    cjk("刪除", Class::Delete, Kind::Verb, "delete"),
    cjk("移除", Class::Delete, Kind::Verb, "remove"),
    cjk("销毁", Class::Delete, Kind::Verb, "destroy"),
    cjk("銷毀", Class::Delete, Kind::Verb, "destroy"),
    cjk("清空", Class::Delete, Kind::Verb, "empty"),
    cjk("清除", Class::Delete, Kind::Verb, "clear"),
    cjk("清理", Class::Delete, Kind::Verb, "clean up"),
    cjk("擦除", Class::Delete, Kind::Verb, "erase"),
    cjk("抹除", Class::Delete, Kind::Verb, "erase"),
    cjk("丢弃", Class::Delete, Kind::Verb, "discard"),
    cjk("丟棄", Class::Delete, Kind::Verb, "discard"),
    cjk("卸载", Class::Delete, Kind::Verb, "uninstall"),
    cjk("卸載", Class::Delete, Kind::Verb, "uninstall"),
    cjk("注销", Class::Delete, Kind::Verb, "close an account"),
    cjk("註銷", Class::Delete, Kind::Verb, "close an account"),
    cjk("终止", Class::Delete, Kind::Verb, "terminate"),
    cjk("終止", Class::Delete, Kind::Verb, "terminate"),
    // permissions
    cjk("权限", Class::Permission, Kind::Noun, "permission"),
    cjk("權限", Class::Permission, Kind::Noun, "permission"),
    cjk("授权", Class::Permission, Kind::Verb, "grant access"),
    cjk("授權", Class::Permission, Kind::Verb, "grant access"),
    cjk("赋权", Class::Permission, Kind::Verb, "grant rights"),
    cjk("賦權", Class::Permission, Kind::Verb, "grant rights"),
    cjk("撤销", Class::Permission, Kind::Verb, "revoke"),
    cjk("撤銷", Class::Permission, Kind::Verb, "revoke"),
    cjk("角色", Class::Permission, Kind::Noun, "role"),
    cjk("协作者", Class::Permission, Kind::Noun, "collaborator"),
    cjk("協作者", Class::Permission, Kind::Noun, "collaborator"),
    cjk("管理员", Class::Permission, Kind::Noun, "administrator"),
    cjk("管理員", Class::Permission, Kind::Noun, "administrator"),
    // credentials
    cjk("密码", Class::Credential, Kind::Noun, "password"),
    cjk("密碼", Class::Credential, Kind::Noun, "password"),
    cjk("口令", Class::Credential, Kind::Noun, "password"),
    cjk("凭证", Class::Credential, Kind::Noun, "credential"),
    cjk("憑證", Class::Credential, Kind::Noun, "credential"),
    cjk("凭据", Class::Credential, Kind::Noun, "credential"),
    cjk("憑據", Class::Credential, Kind::Noun, "credential"),
    cjk("密钥", Class::Credential, Kind::Noun, "secret key"),
    cjk("密鑰", Class::Credential, Kind::Noun, "secret key"),
    cjk("秘钥", Class::Credential, Kind::Noun, "secret key"),
    cjk("金鑰", Class::Credential, Kind::Noun, "secret key"),
    cjk("私钥", Class::Credential, Kind::Noun, "private key"),
    cjk("私鑰", Class::Credential, Kind::Noun, "private key"),
    cjk("令牌", Class::Credential, Kind::Noun, "token"),
    // payments
    cjk("支付", Class::Payment, Kind::Verb, "pay"),
    cjk("付款", Class::Payment, Kind::Verb, "pay"),
    cjk("转账", Class::Payment, Kind::Verb, "transfer money"),
    cjk("轉帳", Class::Payment, Kind::Verb, "transfer money"),
    cjk("轉賬", Class::Payment, Kind::Verb, "transfer money"),
    cjk("退款", Class::Payment, Kind::Verb, "refund"),
    cjk("汇款", Class::Payment, Kind::Verb, "remit"),
    cjk("匯款", Class::Payment, Kind::Verb, "remit"),
    cjk("扣款", Class::Payment, Kind::Verb, "charge"),
    cjk("收款", Class::Payment, Kind::Verb, "collect payment"),
    cjk("充值", Class::Payment, Kind::Verb, "top up"),
    cjk("提现", Class::Payment, Kind::Verb, "withdraw"),
    cjk("提現", Class::Payment, Kind::Verb, "withdraw"),
    cjk("购买", Class::Payment, Kind::Verb, "purchase"),
    cjk("購買", Class::Payment, Kind::Verb, "purchase"),
    cjk("下单", Class::Payment, Kind::Verb, "place an order"),
    cjk("下單", Class::Payment, Kind::Verb, "place an order"),
    cjk("缴费", Class::Payment, Kind::Verb, "pay a bill"),
    cjk("繳費", Class::Payment, Kind::Verb, "pay a bill"),
    cjk("结账", Class::Payment, Kind::Verb, "check out"),
    cjk("結帳", Class::Payment, Kind::Verb, "check out"),
    cjk("結賬", Class::Payment, Kind::Verb, "check out"),
    // external side effects
    cjk("发送", Class::Send, Kind::Verb, "send"),
    cjk("發送", Class::Send, Kind::Verb, "send"),
    cjk("回复", Class::Send, Kind::Verb, "reply"),
    cjk("回覆", Class::Send, Kind::Verb, "reply"),
    cjk("回復", Class::Send, Kind::Verb, "reply"),
    cjk("发布", Class::Send, Kind::Verb, "publish"),
    cjk("發布", Class::Send, Kind::Verb, "publish"),
    cjk("發佈", Class::Send, Kind::Verb, "publish"),
    cjk("邀请", Class::Send, Kind::Verb, "invite"),
    cjk("邀請", Class::Send, Kind::Verb, "invite"),
    cjk("分享", Class::Send, Kind::Verb, "share"),
    cjk("共享", Class::Send, Kind::Verb, "share"),
    cjk("推送", Class::Send, Kind::Verb, "push"),
    cjk("转发", Class::Send, Kind::Verb, "forward"),
    cjk("轉發", Class::Send, Kind::Verb, "forward"),
    cjk("通知", Class::Send, Kind::Verb, "notify"),
    cjk("评论", Class::Send, Kind::Verb, "comment"),
    cjk("評論", Class::Send, Kind::Verb, "comment"),
    cjk("留言", Class::Send, Kind::Verb, "leave a message"),
    cjk("发帖", Class::Send, Kind::Verb, "post"),
    cjk("發帖", Class::Send, Kind::Verb, "post"),
    cjk("提交", Class::Send, Kind::Verb, "submit"),
    cjk("预订", Class::Send, Kind::Verb, "book"),
    cjk("預訂", Class::Send, Kind::Verb, "book"),
    cjk("预约", Class::Send, Kind::Verb, "book"),
    cjk("預約", Class::Send, Kind::Verb, "book"),
    cjk("上传", Class::Send, Kind::Verb, "upload"),
    cjk("上傳", Class::Send, Kind::Verb, "upload"),
    cjk("部署", Class::Send, Kind::Verb, "deploy"),
    // writes
    cjk("创建", Class::Write, Kind::Verb, "create"),
    cjk("創建", Class::Write, Kind::Verb, "create"),
    cjk("建立", Class::Write, Kind::Verb, "create"),
    cjk("新建", Class::Write, Kind::Verb, "create"),
    cjk("新增", Class::Write, Kind::Verb, "add"),
    cjk("添加", Class::Write, Kind::Verb, "add"),
    cjk("更新", Class::Write, Kind::Verb, "update"),
    cjk("修改", Class::Write, Kind::Verb, "modify"),
    cjk("编辑", Class::Write, Kind::Verb, "edit"),
    cjk("編輯", Class::Write, Kind::Verb, "edit"),
    cjk("写入", Class::Write, Kind::Verb, "write"),
    cjk("寫入", Class::Write, Kind::Verb, "write"),
    cjk("保存", Class::Write, Kind::Verb, "save"),
    cjk("储存", Class::Write, Kind::Verb, "save"),
    cjk("儲存", Class::Write, Kind::Verb, "save"),
    cjk("设置", Class::Write, Kind::Verb, "set"),
    cjk("設置", Class::Write, Kind::Verb, "set"),
    cjk("設定", Class::Write, Kind::Verb, "set"),
    cjk("重命名", Class::Write, Kind::Verb, "rename"),
    cjk("移动", Class::Write, Kind::Verb, "move"),
    cjk("移動", Class::Write, Kind::Verb, "move"),
    cjk("复制", Class::Write, Kind::Verb, "copy"),
    cjk("複製", Class::Write, Kind::Verb, "copy"),
    cjk("下载", Class::Write, Kind::Verb, "download"),
    cjk("下載", Class::Write, Kind::Verb, "download"),
    cjk("取消", Class::Write, Kind::Verb, "cancel"),
    cjk("合并", Class::Write, Kind::Verb, "merge"),
    cjk("合併", Class::Write, Kind::Verb, "merge"),
    // code and commands
    cjk("执行", Class::Execute, Kind::Verb, "execute"),
    cjk("執行", Class::Execute, Kind::Verb, "execute"),
    cjk("运行", Class::Execute, Kind::Verb, "run"),
    cjk("運行", Class::Execute, Kind::Verb, "run"),
    // reads
    cjk("读取", Class::Read, Kind::Verb, "read"),
    cjk("讀取", Class::Read, Kind::Verb, "read"),
    cjk("阅读", Class::Read, Kind::Verb, "read"),
    cjk("閱讀", Class::Read, Kind::Verb, "read"),
    cjk("查看", Class::Read, Kind::Verb, "view"),
    cjk("检查", Class::Read, Kind::Verb, "check"),
    cjk("檢查", Class::Read, Kind::Verb, "check"),
    cjk("搜索", Class::Read, Kind::Verb, "search"),
    cjk("搜寻", Class::Read, Kind::Verb, "search"),
    cjk("搜尋", Class::Read, Kind::Verb, "search"),
    cjk("查询", Class::Read, Kind::Verb, "query"),
    cjk("查詢", Class::Read, Kind::Verb, "query"),
    cjk("查找", Class::Read, Kind::Verb, "find"),
    cjk("列出", Class::Read, Kind::Verb, "list"),
    cjk("获取", Class::Read, Kind::Verb, "get"),
    cjk("獲取", Class::Read, Kind::Verb, "get"),
    cjk("取得", Class::Read, Kind::Verb, "get"),
    cjk("检索", Class::Read, Kind::Verb, "retrieve"),
    cjk("檢索", Class::Read, Kind::Verb, "retrieve"),
    cjk("浏览", Class::Read, Kind::Verb, "browse"),
    cjk("瀏覽", Class::Read, Kind::Verb, "browse"),
    cjk("显示", Class::Read, Kind::Verb, "show"),
    cjk("顯示", Class::Read, Kind::Verb, "show"),
    cjk("导航", Class::Read, Kind::Verb, "navigate"),
    cjk("導航", Class::Read, Kind::Verb, "navigate"),
    // pure computation
    cjk("计算", Class::Compute, Kind::Verb, "calculate"),
    cjk("計算", Class::Compute, Kind::Verb, "calculate"),
    cjk("转换", Class::Compute, Kind::Verb, "convert"),
    cjk("轉換", Class::Compute, Kind::Verb, "convert"),
    cjk("翻译", Class::Compute, Kind::Verb, "translate"),
    cjk("翻譯", Class::Compute, Kind::Verb, "translate"),
    cjk("总结", Class::Compute, Kind::Verb, "summarize"),
    cjk("總結", Class::Compute, Kind::Verb, "summarize"),
    cjk("分析", Class::Compute, Kind::Verb, "analyze"),
    cjk("思考", Class::Compute, Kind::Verb, "think"),
];

/// Characters joining two Chinese actions (`获取或创建`, `查看并删除`).
pub(crate) fn is_cjk_coordinator(c: char) -> bool {
    matches!(c, '或' | '和' | '并' | '並' | '及' | '与' | '與' | '再')
}

/// Characters before a Chinese verb that turn it into a state (`已删除` = deleted).
pub(crate) fn is_cjk_participle_marker(c: char) -> bool {
    matches!(c, '已' | '被')
}

/// Whether a character is a Han ideograph (CJK Unified Ideographs and extension A).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_english_word_is_listed_twice() {
        let mut seen = HashSet::new();
        for (words, _) in WORDS {
            for w in *words {
                assert!(seen.insert(*w), "'{w}' is listed twice");
                assert!(
                    w.chars().all(|c| c.is_ascii_lowercase()),
                    "'{w}' must be lowercase ASCII"
                );
            }
        }
    }

    #[test]
    fn chinese_words_are_han_only_and_unique() {
        let mut seen = HashSet::new();
        for e in CJK {
            assert!(seen.insert(e.word), "'{}' is listed twice", e.word);
            assert!(
                e.word.chars().all(is_han),
                "'{}' must be Han characters",
                e.word
            );
        }
    }

    #[test]
    fn phrases_are_lowercase_words_of_two_or_more() {
        for (words, _) in PHRASES {
            assert!(words.len() >= 2);
            assert!(
                words
                    .iter()
                    .all(|w| w.chars().all(|c| c.is_ascii_lowercase()))
            );
        }
    }
}
