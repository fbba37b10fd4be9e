//! PowerShell test support shared by the lib and cli test binaries: a real PowerShell grammar
//! (tree-sitter-powershell) for syntax errors, and PowerShell's own verbatim-string rules to
//! read every literal of a script back.
#![allow(dead_code)]

/// Parse with tree-sitter-powershell; every ERROR or MISSING node, with its position.
pub fn syntax_errors(script: &str) -> Vec<String> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(script, None).unwrap();
    let mut errors = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let p = node.start_position();
            let line = script.lines().nth(p.row).unwrap_or("");
            errors.push(format!(
                "{} at {}:{}: {line}",
                node.kind(),
                p.row + 1,
                p.column + 1
            ));
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            stack.push(child);
        }
    }
    errors
}

fn is_ps_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

/// Scan a verbatim string the way PowerShell's tokenizer does (`ScanStringLiteral`): any of
/// the five single-quote characters ends it unless the next character is also one, in which
/// case that next character is taken literally. Returns the value and the bytes consumed.
/// Written independently of certprep's quoting so the test does not check code with itself.
fn scan_verbatim(text: &str) -> Option<(String, usize)> {
    let mut it = text.char_indices().peekable();
    let (_, first) = it.next()?;
    if !is_ps_quote(first) {
        return None;
    }
    let mut value = String::new();
    while let Some((i, c)) = it.next() {
        if is_ps_quote(c) {
            match it.peek() {
                Some(&(_, n)) if is_ps_quote(n) => {
                    value.push(n);
                    it.next();
                }
                _ => return Some((value, i + c.len_utf8())),
            }
        } else {
            value.push(c);
        }
    }
    None
}

/// Evaluate `('a' + [char]0x000A + 'b')`: verbatim strings and `[char]0xHHHH` joined by ` + `.
fn eval_concat(text: &str) -> Option<String> {
    let mut rest = text.strip_prefix('(')?.strip_suffix(')')?;
    let mut value = String::new();
    loop {
        if let Some(r) = rest.strip_prefix("[char]0x") {
            let code = u32::from_str_radix(r.get(..4)?, 16).ok()?;
            value.push(char::from_u32(code)?);
            rest = &r[4..];
        } else {
            let (v, n) = scan_verbatim(rest)?;
            value.push_str(&v);
            rest = &rest[n..];
        }
        if rest.is_empty() {
            return Some(value);
        }
        rest = rest.strip_prefix(" + ")?;
    }
}

/// Every value the script spells as a literal: each verbatim string (checked to end exactly
/// where the grammar says it ends) and each concatenation expression.
pub fn literal_values(script: &str) -> Vec<String> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(script, None).unwrap();
    let mut values = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        let text = node.utf8_text(script.as_bytes()).unwrap();
        match node.kind() {
            "verbatim_string_characters" => {
                let (v, n) = scan_verbatim(text).expect("a verbatim string");
                assert_eq!(
                    n,
                    text.len(),
                    "PowerShell would end the string {text:?} early"
                );
                values.push(v);
            }
            "parenthesized_expression" => {
                if let Some(v) = eval_concat(text) {
                    values.push(v);
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            stack.push(child);
        }
    }
    values
}
