use super::*;

#[test]
fn the_five_ws_render_in_insertion_order() {
    let line = Event::new(1_700_000_000_000, Level::Error, "payment failed")
        .field("user_id", 42)
        .field("txn_id", "tx-9f3")
        .field("amount", 19.99)
        .field("service", "checkout")
        .field("reason", "card_declined")
        .render();
    ::core::assert_eq!(
        line,
        "ts=1700000000000 level=error msg=\"payment failed\" user_id=42 txn_id=tx-9f3 amount=19.99 service=checkout reason=card_declined",
        "fields must follow ts, level and msg, in the order they were added"
    );
}

#[test]
fn an_event_without_fields_has_no_trailing_space() {
    let line = Event::new(0, Level::Warn, "disk_low").render();
    ::core::assert_eq!(line, "ts=0 level=warn msg=disk_low");
}

#[test]
fn every_level_has_its_lower_case_name() {
    for (level, name) in [
        (Level::Info, "info"),
        (Level::Warn, "warn"),
        (Level::Error, "error"),
    ] {
        let line = Event::new(1, level, "x").render();
        ::core::assert_eq!(line, ::std::format!("ts=1 level={name} msg=x"));
    }
}

#[test]
fn an_empty_value_is_written_as_empty_quotes() {
    let line = Event::new(1, Level::Info, "").field("note", "").render();
    ::core::assert_eq!(
        line, "ts=1 level=info msg=\"\" note=\"\"",
        "an empty value must be quoted, or `note=` would be followed directly by the next key"
    );
}

#[test]
fn an_equals_sign_forces_quotes() {
    let line = Event::new(1, Level::Info, "q")
        .field("query", "a=b")
        .render();
    ::core::assert_eq!(line, "ts=1 level=info msg=q query=\"a=b\"");
}

#[test]
fn quotes_and_backslashes_are_escaped_inside_quotes() {
    let line = Event::new(1, Level::Info, "q")
        .field("path", r"C:\temp")
        .field("said", r#"he said "hi""#)
        .render();
    ::core::assert_eq!(
        line, r#"ts=1 level=info msg=q path="C:\\temp" said="he said \"hi\"""#,
        "a backslash becomes \\\\ and a quote becomes \\\" inside a quoted value"
    );
}

#[test]
fn a_newline_cannot_forge_a_second_log_line() {
    let hostile = "bob\nts=1 level=info msg=\"refund approved\"";
    let line = Event::new(7, Level::Warn, "login")
        .field("user", hostile)
        .render();
    ::core::assert!(
        !line.contains('\n'),
        "the rendered line must never contain a raw newline, got: {line:?}"
    );
    ::core::assert_eq!(
        line,
        r#"ts=7 level=warn msg=login user="bob\nts=1 level=info msg=\"refund approved\"""#
    );
}

#[test]
fn tab_carriage_return_and_other_control_characters_are_escaped() {
    let line = Event::new(1, Level::Info, "x")
        .field("a", "1\t2")
        .field("b", "3\r4")
        .field("c", "\u{1b}[31mred")
        .field("d", "nul\u{0}")
        .render();
    ::core::assert_eq!(
        line, r#"ts=1 level=info msg=x a="1\t2" b="3\r4" c="\u{1b}[31mred" d="nul\u{0}""#,
        "other control characters become \\u{{lowercase hex}}"
    );
}

#[test]
fn non_ascii_text_stays_readable_and_bare() {
    let line = Event::new(1, Level::Info, "x")
        .field("city", "Zürich")
        .render();
    ::core::assert_eq!(
        line, "ts=1 level=info msg=x city=Zürich",
        "letters outside ASCII are not control characters and need no quotes"
    );
}

#[test]
fn the_message_is_quoted_with_the_same_rules() {
    let line = Event::new(1, Level::Error, "bad \"input\"\n").render();
    ::core::assert_eq!(line, r#"ts=1 level=error msg="bad \"input\"\n""#);
}

#[test]
fn keys_are_cleaned_of_unsafe_characters() {
    let event = Event::new(1, Level::Info, "x")
        .field("user id", 1)
        .field("a=b", 2)
        .field("http.status-code_2", 3)
        .field("", 4)
        .field("clé", 5);
    let keys: Vec<&str> = event.fields.iter().map(|(k, _)| k.as_str()).collect();
    ::core::assert_eq!(
        keys,
        ::std::vec!["user_id", "a_b", "http.status-code_2", "_", "cl_"],
        "letters, digits, '_', '.', '-' stay; anything else becomes '_'; an empty key becomes '_'"
    );
    ::core::assert_eq!(
        event.render(),
        "ts=1 level=info msg=x user_id=1 a_b=2 http.status-code_2=3 _=4 cl_=5"
    );
}

#[test]
fn a_repeated_key_replaces_the_value_in_place() {
    let event = Event::new(1, Level::Info, "x")
        .field("attempt", 1)
        .field("user_id", 9)
        .field("attempt", 2);
    ::core::assert_eq!(
        event.fields,
        ::std::vec![
            ("attempt".to_string(), "2".to_string()),
            ("user_id".to_string(), "9".to_string())
        ],
        "the second `attempt` must overwrite the first and keep its position"
    );
    ::core::assert_eq!(event.render(), "ts=1 level=info msg=x attempt=2 user_id=9");
}

#[test]
fn keys_that_clean_to_the_same_name_are_the_same_field() {
    let event = Event::new(1, Level::Info, "x")
        .field("user id", 1)
        .field("user_id", 2);
    ::core::assert_eq!(event.fields, ::std::vec![("user_id".to_string(), "2".to_string())]);
}

#[test]
fn missing_keeps_the_order_of_the_required_list() {
    let event = Event::new(1, Level::Info, "charge")
        .field("amount", 5)
        .field("user_id", 3);
    ::core::assert_eq!(
        event.missing(&["reason", "user_id", "txn_id", "amount"]),
        ::std::vec!["reason", "txn_id"]
    );
    ::core::assert!(event.missing(&["amount", "user_id"]).is_empty());
    ::core::assert!(event.missing(&[]).is_empty());
}

#[test]
fn new_keeps_the_values_it_was_given() {
    let event = Event::new(99, Level::Warn, "slow query");
    ::core::assert_eq!(event.ts_ms, 99);
    ::core::assert_eq!(event.level, Level::Warn);
    ::core::assert_eq!(event.message, "slow query");
    ::core::assert!(event.fields.is_empty());
}
