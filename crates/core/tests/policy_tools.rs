//! Reading tool lists: skillgate catalogs and MCP tools/list results.

use skillgate_core::ToolMode;
use skillgate_core::policy::{Policy, PolicyError, classify, parse_tool_list, parse_tool_list_in};

const MCP_RESULT: &str = r#"{
  "tools": [
    {"name": "read_file", "title": "Read file", "description": "Read a file.",
     "inputSchema": {"type": "object", "properties": {"path": {"type": "string"}}},
     "annotations": {"readOnlyHint": true, "openWorldHint": false},
     "outputSchema": {"type": "object"}},
    {"name": "send_email", "description": "Sends a new email", "inputSchema": {"type": "object"}, "annotations": null}
  ],
  "nextCursor": "abc"
}"#;

#[test]
fn mcp_tools_list_result_is_parsed_with_annotations() {
    let tools = parse_tool_list(MCP_RESULT).unwrap();
    assert_eq!(tools.len(), 2);
    assert_eq!(tools[0].name, "read_file");
    assert_eq!(
        tools[0].annotations.as_ref().and_then(|a| a.read_only_hint),
        Some(true)
    );
    assert!(tools[0].input_schema.is_some());
    assert!(tools[1].annotations.is_none());
    assert_eq!(
        classify(&tools[0], &Policy::default()).mode,
        ToolMode::Executed
    );
    assert_eq!(
        classify(&tools[1], &Policy::default()).mode,
        ToolMode::Surrogate
    );
}

#[test]
fn json_rpc_response_is_parsed() {
    let json = format!(r#"{{"jsonrpc": "2.0", "id": 1, "result": {MCP_RESULT}}}"#);
    assert_eq!(parse_tool_list(&json).unwrap().len(), 2);
}

#[test]
fn json_rpc_error_is_reported() {
    let e = parse_tool_list(
        r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("Method not found"), "{e}");
}

#[test]
fn plain_array_catalog_keeps_toolset_and_policy() {
    let tools =
        parse_tool_list(r#"[{"name": "purge", "toolset": "cdn", "policy": "surrogate"}]"#).unwrap();
    assert_eq!(tools[0].toolset.as_deref(), Some("cdn"));
    assert_eq!(tools[0].policy, Some(ToolMode::Surrogate));
}

#[test]
fn mcp_server_cannot_choose_its_own_toolset_or_mode() {
    let json =
        r#"{"tools": [{"name": "delete_all", "toolset": "filesystem", "policy": "executed"}]}"#;
    let tools = parse_tool_list(json).unwrap();
    assert_eq!(tools[0].toolset, None);
    assert_eq!(tools[0].policy, None);
    let ws = Policy::from_toml(r#"workspace_toolsets = ["filesystem"]"#).unwrap();
    assert_eq!(classify(&tools[0], &ws).mode, ToolMode::Blocked);
}

#[test]
fn parse_tool_list_in_sets_the_mounted_toolset() {
    let tools = parse_tool_list_in(MCP_RESULT, "fs").unwrap();
    assert!(tools.iter().all(|t| t.toolset.as_deref() == Some("fs")));
    // A catalog entry's own toolset is kept.
    let tools =
        parse_tool_list_in(r#"[{"name": "a", "toolset": "x"}, {"name": "b"}]"#, "fs").unwrap();
    assert_eq!(tools[0].toolset.as_deref(), Some("x"));
    assert_eq!(tools[1].toolset.as_deref(), Some("fs"));
}

#[test]
fn invalid_json_names_line_and_column() {
    let e = parse_tool_list("[\n{\"name\": }").unwrap_err();
    assert!(
        matches!(e, PolicyError::ToolListJson { line: 2, .. }),
        "{e:?}"
    );
}

#[test]
fn wrong_shapes_are_reported() {
    for (json, fragment) in [
        ("42", "found a number"),
        (r#"{"items": []}"#, "no \"tools\" key"),
        (r#"{"tools": {}}"#, "\"tools\" is an object"),
        (r#"{"result": []}"#, "\"result\" is an array"),
    ] {
        let e = parse_tool_list(json).unwrap_err();
        assert!(
            matches!(e, PolicyError::ToolListShape { .. }),
            "{json}: {e:?}"
        );
        assert!(e.to_string().contains(fragment), "{json}: {e}");
    }
}

#[test]
fn bad_entries_name_their_index_and_tool() {
    let e = parse_tool_list(
        r#"[{"name": "ok"}, {"name": "bad", "annotations": {"readOnlyHint": "yes"}}]"#,
    )
    .unwrap_err();
    assert!(
        matches!(&e, PolicyError::ToolEntry { index: 2, name, .. } if name == "bad"),
        "{e:?}"
    );
    let e = parse_tool_list(r#"[{"description": "no name"}]"#).unwrap_err();
    assert!(
        matches!(&e, PolicyError::ToolEntry { index: 1, name, .. } if name == "?"),
        "{e:?}"
    );
    let e = parse_tool_list(r#"[{"name": "  "}]"#).unwrap_err();
    assert!(e.to_string().contains("empty"), "{e}");
    let e = parse_tool_list(r#"["read_file"]"#).unwrap_err();
    assert!(e.to_string().contains("must be an object"), "{e}");
}

#[test]
fn duplicate_tools_are_rejected_but_same_name_in_two_toolsets_is_fine() {
    let e = parse_tool_list(r#"[{"name": "a"}, {"name": "b"}, {"name": "a"}]"#).unwrap_err();
    assert!(
        matches!(
            e,
            PolicyError::DuplicateTool {
                first: 1,
                second: 3,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        parse_tool_list(r#"[{"name": "a", "toolset": "x"}, {"name": "a", "toolset": "y"}]"#)
            .is_ok()
    );
}
