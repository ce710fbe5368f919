//! Each kind of problem at its exact line and column, many at once; the seed refusing with the
//! same list.

use super::*;

const FIRST: &str = "AMB-PI-2021-2025";

fn first(file: &str) -> String {
    format!("{FIRST}/{file}")
}

/// Rewrites the first `from` of `file` as `to`.
fn edit_first(ws: &Workspace, file: &str, from: &str, to: &str) {
    let text = ws.read(file);
    assert!(text.contains(from), "{file}: {from:?}");
    ws.write(file, &text.replacen(from, to, 1));
}

/// The line of `file` holding the only `needle`.
fn line_of(ws: &Workspace, file: &str, needle: &str) -> usize {
    let text = ws.read(file);
    assert_eq!(text.matches(needle).count(), 1, "{file}: {needle:?} once");
    position(&text, needle).0
}

/// The lines printed on standard output, checked to be in file and position order.
fn printed(out: &Output) -> Vec<String> {
    let lines: Vec<String> = utf8(&out.stdout).lines().map(str::to_owned).collect();
    let key = |l: &String| -> (String, usize, usize) {
        let mut parts = l.splitn(4, ':');
        let path = parts.next().unwrap_or_default().to_owned();
        let n = |p: Option<&str>| p.and_then(|s| s.parse().ok()).unwrap_or(0);
        (path, n(parts.next()), n(parts.next()))
    };
    let mut sorted = lines.clone();
    sorted.sort_by_key(key);
    assert_eq!(lines, sorted, "sorted by file, line and column");
    lines
}

fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort();
    lines
}

const EVERY_TEXT: &str = "(every text has es, ca, en and fr)";

#[test]
#[expect(clippy::too_many_lines, reason = "one run, every kind of problem")]
fn every_problem_is_reported_at_its_line_and_column_in_one_run() {
    let ws = Workspace::new(true);
    let (strategy, plan, sections) = (
        first("strategy.toml"),
        first("plan.toml"),
        first("sections.toml"),
    );
    let geography = first("geography.toml");
    let mut expected = Vec::new();
    let mut expect = |at: String, message: &str| expected.push(format!("{at}: {message}"));

    // A link to a missing organization, a duplicate code, a link to a missing line.
    edit_first(
        &ws,
        &strategy,
        r#"responsible = ["AMB-SRI"]"#,
        r#"responsible = ["AMB-XYZ"]"#,
    );
    expect(
        ws.at(&strategy, r#""AMB-XYZ""#, 0),
        "action LE1.1: unknown organization AMB-XYZ",
    );
    let le11 = line_of(&ws, &strategy, "code = \"LE1.1\"\n");
    ws.edit(&strategy, "code = \"LE1.2\"\n", "code = \"LE1.1\" \n");
    expect(
        ws.at(&strategy, "code = \"LE1.1\" \n", 7),
        &format!("action LE1.1 is listed twice (first on line {le11})"),
    );
    edit_first(&ws, &strategy, r#"line = "LE2""#, r#"line = "LE7""#);
    expect(
        ws.at(&strategy, r#""LE7""#, 0),
        "action LE2.1: unknown strategic line LE7",
    );

    // A language missing from a text, a bad date, values outside their vocabularies, a link to
    // a missing section and organization.
    let text = ws.read(&plan);
    let start = text.find("short_title.fr = ").expect("short_title.fr");
    let end = start + text[start..].find('\n').expect("its line") + 1;
    ws.write(&plan, &format!("{}{}", &text[..start], &text[end..]));
    expect(
        ws.at(&plan, "short_title.es", 0),
        &format!("short_title has no fr text {EVERY_TEXT}"),
    );
    ws.edit(
        &plan,
        "approved_on = 2021-07-27",
        "approved_on = 2021-07-27T09:30:00",
    );
    expect(
        ws.at(&plan, "2021-07-27T09:30:00", 0),
        "approved_on 2021-07-27T09:30:00 is not a date: a plan is approved on a day, written \
         YYYY-MM-DD",
    );
    edit_first(&ws, &plan, r#"kind = "THREAT""#, r#"kind = "THREATS""#);
    expect(
        ws.at(&plan, r#""THREATS""#, 0),
        r#"unknown swot kind "THREATS" (one of STRENGTH, WEAKNESS, OPPORTUNITY, THREAT)"#,
    );
    edit_first(&ws, &plan, r#"unit = "EUR""#, r#"unit = "EUROS""#);
    expect(
        ws.at(&plan, r#""EUROS""#, 0),
        "unknown key figure unit \"EUROS\" (one of MUNICIPALITY, PERSON, EUR, PERCENT, \
         PERCENTAGE_POINT, PROJECT, INTERVIEW, INSTITUTION, METROPOLIS, YEAR, FRACTION)",
    );
    ws.edit(
        &plan,
        r#"section = "governance""#,
        r#"section = "governanze""#,
    );
    expect(
        ws.at(&plan, r#""governanze""#, 0),
        "key figure city-councils-coordination: unknown section governanze (sections.toml)",
    );
    ws.edit(
        &plan,
        r#"organizations = ["AMB-VP-INT""#,
        r#"organizations = ["AMB-VP-INTL""#,
    );
    expect(
        ws.at(&plan, r#""AMB-VP-INTL""#, 0),
        "governance political-lead: unknown organization AMB-VP-INTL",
    );

    // A language that is not one of the four (so the text also misses one).
    ws.edit(
        &sections,
        "title.fr = \"Présentation institutionnelle\"",
        "title.fx = \"Présentation institutionnelle\"",
    );
    let (line, column) = position(&ws.read(&sections), "title.es");
    expect(
        format!("data/{sections}:{line}:{column}"),
        &format!("title has no fr text {EVERY_TEXT}"),
    );
    expect(
        ws.at(&sections, "\"Présentation institutionnelle\"", 0),
        &format!("title.fx: unknown language {EVERY_TEXT}"),
    );

    // A code of the wrong shape.
    ws.edit(&geography, r#"code = "EUROPE""#, r#"code = "Europe""#);
    expect(
        ws.at(&geography, r#"code = "Europe""#, 7),
        "zone code \"Europe\": capital letters and digits, in parts joined by one `.`, `-` or `_`",
    );

    // The registry: a duplicate organization, of an unknown kind, its name in Spanish only.
    let orgs = "organizations.toml";
    let sri = line_of(&ws, orgs, "code = \"AMB-SRI\"\n");
    let mut text = ws.read(orgs);
    text.push_str(
        "\n# SYNTHETIC duplicate for a test.\n[[organizations]]\ncode = \"AMB-SRI\" \n\
         kind = \"AMB_SERVICES\"\nname.es = \"Servicio sintético\"\n",
    );
    ws.write(orgs, &text);
    expect(
        ws.at(orgs, "\"AMB-SRI\" \n", 0),
        &format!("organization AMB-SRI is listed twice (first on line {sri})"),
    );
    expect(
        ws.at(orgs, "\"AMB_SERVICES\"", 0),
        "unknown organization kind \"AMB_SERVICES\" (one of AMB_BODY, AMB_AREA, AMB_SERVICE, \
         MUNICIPALITY, NETWORK, EU_BODY, UN_BODY, MULTILATERAL, RESEARCH, GOVERNMENT, ECONOMIC, \
         CIVIL_SOCIETY, GROUP)",
    );
    expect(
        ws.at(orgs, "name.es = \"Servicio sintético\"", 0),
        &format!("name has no ca, en, fr text {EVERY_TEXT}"),
    );
    // A municipality listed twice (its row copied at the end).
    let tsv = ws.read("municipalities.tsv");
    let row = tsv.lines().nth(1).expect("a row").to_owned();
    let ine = row.split('\t').next().expect("INE").to_owned();
    ws.write("municipalities.tsv", &format!("{tsv}{row}\n"));
    expect(
        format!("data/municipalities.tsv:{}:1", tsv.lines().count() + 1),
        &format!("INE code {ine} is listed twice (first on line 2)"),
    );

    // Two current plans: each `current = true` is pointed at.
    ws.edit(&second("plan.toml"), "current = false", "current = true");
    let two = format!(
        "exactly one plan may be current, and 2 say `current = true`: data/{plan}, data/{}",
        second("plan.toml")
    );
    expect(ws.at(&plan, "current = true", 10), &two);
    expect(ws.at(&second("plan.toml"), "current = true", 10), &two);

    // Continuations naming a missing item, or not PLAN/CODE.
    let synth = second("strategy.toml");
    ws.edit(&synth, "AMB-PI-2021-2025/LE1.3", "AMB-PI-2021-2025/LE1.99");
    expect(
        ws.at(&synth, "\"AMB-PI-2021-2025/LE1.99\"", 0),
        "action SL1.1 continues AMB-PI-2021-2025/LE1.99: AMB-PI-2021-2025 has no action LE1.99",
    );
    ws.edit(
        &synth,
        r#"continues = ["AMB-PI-2021-2025/LE1"]"#,
        r#"continues = ["LE1"]"#,
    );
    expect(
        ws.at(&synth, r#""LE1""#, 0),
        r#"line SL1 continues "LE1", which is not PLAN/CODE"#,
    );

    // names.toml and renames.toml (synthetic).
    let names = second("names.toml");
    let name = "name.es = \"Sintético\"\nname.ca = \"Sintètic\"\nname.en = \"Synthetic\"\n\
                name.fr = \"Synthétique\"\n";
    ws.write(
        &names,
        &format!(
            "# SYNTHETIC names for a test.\n[[organizations]]\ncode = \"AMB-GONE\"\n{name}\n\
             [[organizations]]\ncode = \"AMB-ADE\"\n{name}\n[[organizations]]\ncode = \"AMB-ADE\" \n{name}"
        ),
    );
    expect(
        ws.at(&names, "\"AMB-GONE\"", 0),
        "unknown organization AMB-GONE",
    );
    expect(
        ws.at(&names, "\"AMB-ADE\" \n", 0),
        &format!(
            "organization AMB-ADE is listed twice (first on line {})",
            line_of(&ws, &names, "code = \"AMB-ADE\"\n")
        ),
    );
    let renames = second("renames.toml");
    ws.write(
        &renames,
        "# SYNTHETIC renames for a test.\n[[renames]]\nkind = \"zone\"\nfrom = \"Z1\"\nto = \"Z2\"\n\n\
         [[renames]]\nkind = \"action\"\nfrom = \"SL1.1\"\nto = \"SL1.9\"\n",
    );
    expect(
        ws.at(&renames, "\"zone\"", 0),
        "unknown item kind \"zone\" (one of line, action, expected_result)",
    );
    expect(
        ws.at(&renames, "\"SL1.9\"", 0),
        "action SL1.1 is renamed to SL1.9, which this plan has no action of",
    );
    expect(
        ws.at(&renames, "\"SL1.1\"", 0),
        "action SL1.1 is renamed to SL1.9, but this plan still has SL1.1",
    );

    let out = ws.check();
    assert_eq!(out.status.code(), Some(1), "{}", utf8(&out.stderr));
    assert_eq!(sorted(printed(&out)), sorted(expected.clone()));
    assert_eq!(
        utf8(&out.stderr),
        format!("{} problems in 10 files\n", expected.len())
    );
}

#[test]
fn every_element_that_does_not_fit_its_shape_is_reported_and_the_links_wait() {
    let ws = Workspace::new(false);
    let (strategy, people) = (first("strategy.toml"), first("people.toml"));
    // A syntax error.
    edit_first(&ws, &people, "group = \"AMB\"\n", "group = \"AMB\n");
    let syntax = format!(
        "{}: invalid basic string, expected `\"`",
        ws.at(&people, "group = \"AMB\n", 12)
    );
    // Two actions with an unknown field, a line with a wrong type, a result without its code.
    edit_first(&ws, &strategy, "[[actions]]\n", "[[actions]]\nbogus = 1\n");
    edit_first(
        &ws,
        &strategy,
        "[[actions]]\ncode",
        "[[actions]]\nbogus = 2\ncode",
    );
    ws.edit(&strategy, "number = 2\n", "number = \"two\"\n");
    let text = ws.read(&strategy);
    let code = text.find("code = \"LE1.R1\"\n").expect("LE1.R1");
    let header = text[..code]
        .rfind("[[expected_results]]")
        .expect("its header");
    let header_line = text[..header].matches('\n').count() + 1;
    ws.write(
        &strategy,
        &format!(
            "{}{}",
            &text[..code],
            &text[code + "code = \"LE1.R1\"\n".len()..]
        ),
    );
    let fields = "expected one of `code`, `line`, `scope`, `title`, `responsible_text`, \
                  `involved_text`, `responsible`, `involved`, `continues`";
    // municipalities.tsv: a row with three columns, a bad INE code.
    let tsv = ws.read("municipalities.tsv");
    let mut rows: Vec<String> = tsv.lines().map(str::to_owned).collect();
    rows[3] = rows[3].replacen('\t', " ", 1);
    rows[5] = format!("0810{}", &rows[5][5..]);
    ws.write("municipalities.tsv", &(rows.join("\n") + "\n"));

    let expected = vec![
        syntax,
        format!(
            "{}: unknown field `bogus`, {fields}",
            ws.at(&strategy, "bogus = 1", 0)
        ),
        format!(
            "{}: unknown field `bogus`, {fields}",
            ws.at(&strategy, "bogus = 2", 0)
        ),
        format!(
            "{}: invalid type: string \"two\", expected i32",
            ws.at(&strategy, "\"two\"", 0)
        ),
        format!("data/{strategy}:{header_line}:1: missing field `code`"),
        "data/municipalities.tsv:4:1: expected 4 columns separated by tabs (INE code, control \
         digit, name, comarca), found 3"
            .to_owned(),
        "data/municipalities.tsv:6:1: bad INE code \"0810\": five digits".to_owned(),
    ];
    let out = ws.check();
    assert_eq!(out.status.code(), Some(1), "{}", utf8(&out.stderr));
    assert_eq!(sorted(printed(&out)), sorted(expected));
    assert_eq!(
        utf8(&out.stderr),
        "7 problems in 3 files\nthe codes and links of AMB-PI-2021-2025 are checked once their \
         files read\n"
    );
}

#[tokio::test]
async fn the_seed_refuses_with_the_problems_check_prints_and_loads_nothing() {
    let app = crate::common::TestApp::new().await;
    let before = app.data(r#"{ action(code: "LE1.1") { title } }"#).await;
    let ws = Workspace::new(false);
    let strategy = first("strategy.toml");
    edit_first(
        &ws,
        &strategy,
        r#"responsible = ["AMB-SRI"]"#,
        r#"responsible = ["AMB-XYZ"]"#,
    );
    edit_first(&ws, &strategy, r#"line = "LE2""#, r#"line = "LE7""#);
    edit_first(&ws, &strategy, "title.en = ", "title.EN = ");
    let absolute = ws.data().display().to_string();
    let out = check(Path::new("/"), &["--data-dir", &absolute]);
    assert_eq!(
        utf8(&out.stdout).lines().count(),
        4,
        "{}",
        utf8(&out.stdout)
    );
    let err = plan_api::seed::seed_all(&app.state.db, &ws.data())
        .await
        .expect_err("refused");
    assert_eq!(format!("{err}\n"), utf8(&out.stdout));
    assert_eq!(
        app.data(r#"{ action(code: "LE1.1") { title } }"#).await,
        before
    );
}
