#!/usr/bin/env python3
"""Validate the skillgate demo data set: runs.jsonl, tools.json and the SKILL.md files.

Run from anywhere: python3 demo/check.py. Exits 1 and lists every problem if anything is off.
"""
import collections
import datetime
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
PROBLEMS = []


def bad(where, msg):
    PROBLEMS.append(f"{where}: {msg}")


def rfc3339(where, value):
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value):
        bad(where, f"not an RFC 3339 UTC timestamp: {value!r}")
        return None
    return datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")


# Characters that only occur in one of the two Chinese scripts (a small, safe sample).
SIMPLIFIED_ONLY = set("这们发说报为时个会议对过还应该让从门问间线图单击设计号务复习见车开关东书长")
TRADITIONAL_ONLY = set("這們發說報為時個會議對過還應該讓從門問間線圖單擊設計號務復習見車開關東書長")
SKILLS = {"weekly-status-report", "meeting-scheduler", "expense-triage"}
GRADER_FIELDS = {
    "exact": {"value": str}, "contains": {"value": str}, "regex": {"pattern": str},
    "json_field": {"pointer": str}, "file_equals": {"path": str, "value": str},
    "file_contains": {"path": str, "value": str}, "command": {"command": str}, "model": {},
}


def check_tools():
    tools = json.loads((HERE / "tools.json").read_text(encoding="utf-8"))
    if not isinstance(tools, list):
        bad("tools.json", "must be a JSON array")
        return {}
    by_name = {}
    for i, t in enumerate(tools):
        where = f"tools.json[{i}]"
        for key in ("name", "toolset", "description"):
            if not isinstance(t.get(key), str) or not t.get(key):
                bad(where, f"missing string field {key}")
        schema = t.get("input_schema")
        if not isinstance(schema, dict) or schema.get("type") != "object":
            bad(where, "input_schema must be a JSON Schema object with type=object")
        else:
            for req in schema.get("required", []):
                if req not in schema.get("properties", {}):
                    bad(where, f"required property {req} not in properties")
        ann = t.get("annotations")
        if ann is not None:
            allowed = {"title", "readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}
            if set(ann) - allowed:
                bad(where, f"unknown annotation keys {set(ann) - allowed}")
        if t.get("name") in by_name:
            bad(where, f"duplicate tool name {t.get('name')}")
        by_name[t.get("name")] = t
    return by_name


def check_grader(where, g):
    kind = g.get("kind")
    if kind not in GRADER_FIELDS:
        bad(where, f"unknown grader kind {kind!r}")
        return kind
    for field, typ in GRADER_FIELDS[kind].items():
        if not isinstance(g.get(field), typ):
            bad(where, f"{kind} grader needs string field {field}")
    if kind == "json_field" and "value" not in g:
        bad(where, "json_field grader needs value")
    if kind == "regex":
        pattern = g.get("pattern", "")
        # Rust's regex crate has no look-around or backreferences.
        if re.search(r"\(\?[=!<]|\\[1-9]", pattern):
            bad(where, f"pattern uses look-around/backreference (unsupported in Rust regex): {pattern}")
        try:
            re.compile(pattern)
        except re.error as e:
            bad(where, f"pattern does not compile: {e}")
    w = g.get("weight", 1.0)
    if not isinstance(w, (int, float)) or w < 0:
        bad(where, f"weight must be a non-negative number, got {w!r}")
    return kind


def check_runs(tools):
    runs = []
    lines = (HERE / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        where = f"runs.jsonl:{n}"
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            bad(where, f"invalid JSON: {e}")
            continue
        types = {"id": str, "tenant": str, "locale": str, "task": str, "messages": list,
                 "tool_calls": list, "final_answer": str, "accepted": bool, "created_at": str,
                 "criteria": dict}
        for key, typ in types.items():
            if not isinstance(r.get(key), typ):
                bad(where, f"field {key} missing or not {typ.__name__}")
        if not re.fullmatch(r"run-\d{4}", str(r.get("id"))):
            bad(where, f"id {r.get('id')!r} is not run-NNNN")
        where = f"runs.jsonl:{n} ({r.get('id')})"
        if r.get("locale") not in ("en", "zh-CN", "zh-TW"):
            bad(where, f"unexpected locale {r.get('locale')}")
        if r.get("skill") is not None and r.get("skill") not in SKILLS:
            bad(where, f"skill hint {r.get('skill')} is not a published demo skill")
        created = rfc3339(where + " created_at", r.get("created_at"))
        if r.get("accepted"):
            acc = rfc3339(where + " accepted_at", r.get("accepted_at"))
            if created and acc and acc < created:
                bad(where, "accepted_at before created_at")
        elif r.get("accepted_at") is not None:
            bad(where, "accepted_at must be null when accepted is false")
        msgs = r.get("messages") or []
        for m in msgs:
            if m.get("role") not in ("system", "user", "assistant", "tool"):
                bad(where, f"bad message role {m.get('role')}")
            if m.get("content") is not None and not isinstance(m.get("content"), str):
                bad(where, "message content must be a string or null")
        if msgs and msgs[-1].get("content") != r.get("final_answer"):
            bad(where, "last message is not the final answer")
        if sum(1 for m in msgs if m.get("role") == "tool") != len(r.get("tool_calls") or []):
            bad(where, "number of tool messages differs from tool_calls")
        last = created
        for i, c in enumerate(r.get("tool_calls") or []):
            cw = f"{where} tool_calls[{i}]"
            name = c.get("name")
            if name not in tools:
                bad(cw, f"tool {name} not in tools.json")
            elif c.get("toolset") != tools[name].get("toolset"):
                bad(cw, f"toolset {c.get('toolset')} differs from tools.json ({tools[name].get('toolset')})")
            if not isinstance(c.get("arguments"), dict):
                bad(cw, "arguments must be an object")
            else:
                props = tools.get(name, {}).get("input_schema", {}).get("properties", {})
                for req in tools.get(name, {}).get("input_schema", {}).get("required", []):
                    if req not in c["arguments"]:
                        bad(cw, f"missing required argument {req}")
                for arg in c["arguments"]:
                    if props and arg not in props:
                        bad(cw, f"argument {arg} not in the tool's schema")
            if "result" not in c:
                bad(cw, "missing result")
            t = rfc3339(cw + " started_at", c.get("started_at"))
            if t and last and t < last:
                bad(cw, "started_at goes backwards")
            last = t or last
        crit = r.get("criteria") or {}
        graders = crit.get("graders") or []
        if not graders:
            bad(where, "criteria.graders is empty")
        for i, g in enumerate(graders):
            check_grader(f"{where} graders[{i}]", g)
        th = crit.get("pass_threshold", 0.5)
        if not isinstance(th, (int, float)) or not 0 <= th <= 1:
            bad(where, f"pass_threshold {th!r} not in [0, 1]")
        if any(g.get("kind") == "model" for g in graders) and not crit.get("rubric"):
            bad(where, "model grader without criteria.rubric")
        own_text = " ".join([r.get("task", ""), r.get("final_answer", "")])
        if r.get("locale") == "zh-CN" and TRADITIONAL_ONLY & set(own_text):
            bad(where, f"zh-CN text has Traditional characters {sorted(TRADITIONAL_ONLY & set(own_text))}")
        if r.get("locale") == "zh-TW" and SIMPLIFIED_ONLY & set(own_text):
            bad(where, f"zh-TW text has Simplified characters {sorted(SIMPLIFIED_ONLY & set(own_text))}")
        runs.append(r)
    ids = [r.get("id") for r in runs]
    for dup, k in collections.Counter(ids).items():
        if k > 1:
            bad("runs.jsonl", f"duplicate id {dup}")
    used = {c.get("name") for r in runs for c in r.get("tool_calls") or []}
    for unused in set(tools) - used:
        bad("tools.json", f"tool {unused} is not used by any run")
    return runs


def check_skill(path, expected_name):
    text = path.read_text(encoding="utf-8")
    where = str(path.relative_to(HERE))
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not m:
        bad(where, "missing YAML frontmatter")
        return
    front = m.group(1)
    name = re.search(r"^name:\s*(\S+)\s*$", front, re.M)
    desc = re.search(r"^description:\s*(.+)$", front, re.M)
    if not name or name.group(1) != expected_name:
        bad(where, f"frontmatter name must be {expected_name}")
    if not desc or len(desc.group(1)) > 1024:
        bad(where, "description missing or longer than 1024 characters")
    n_lines = len(text.splitlines())
    if not 40 <= n_lines <= 120:
        bad(where, f"{n_lines} lines; expected 40-120")
    if "<!-- keep -->" not in text:
        bad(where, "no <!-- keep --> section")


def main():
    tools = check_tools()
    runs = check_runs(tools)
    for folder in ("skills", "drafts"):
        for skill_md in sorted((HERE / folder).glob("*/SKILL.md")):
            check_skill(skill_md, skill_md.parent.name)
    published = HERE / "skills" / "weekly-status-report" / "SKILL.md"
    draft = HERE / "drafts" / "weekly-status-report" / "SKILL.md"
    keep = lambda p: {line for line in p.read_text(encoding="utf-8").splitlines() if "<!-- keep -->" in line}
    if published.exists() and draft.exists() and not keep(published) <= keep(draft):
        bad("drafts/weekly-status-report", "a <!-- keep --> heading of the published version is missing")

    count = collections.Counter
    print(f"runs: {len(runs)}  tools: {len(tools)}")
    print("locale:", dict(count(r["locale"] for r in runs)))
    print("tenant:", dict(count(r["tenant"] for r in runs)))
    print("accepted:", dict(count(r["accepted"] for r in runs)))
    print("skill hint:", dict(count(r.get("skill") or "-" for r in runs)))
    print("grader kinds:", dict(count(g["kind"] for r in runs for g in r["criteria"]["graders"])))
    print("tool calls:", dict(sorted(count(c["name"] for r in runs for c in r["tool_calls"]).items())))
    months = count(r["created_at"][:7] for r in runs)
    print("created per month:", dict(sorted(months.items())))
    if PROBLEMS:
        print(f"\n{len(PROBLEMS)} problem(s):")
        for p in PROBLEMS:
            print(" -", p)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
