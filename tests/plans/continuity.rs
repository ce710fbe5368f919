//! What a later plan continues, read both ways, and what an organization or a municipality
//! does across plans.

use super::*;

#[tokio::test]
async fn continuity_reads_both_ways_across_plans() {
    let dir = data_with_second_plan();
    let app = app_on(dir.path()).await;
    let later = app
        .data(
            r#"{ action(plan: "SYNTH-2026-2030", code: "SL1.1") {
                 continues { id code strategicLine { code plan { code } } continuedBy { code } }
                 continuedBy { code } }
               plan(code: "SYNTH-2026-2030") { strategicLines { code
                 continues { code plan { code } } expectedResults { code continues { code } } } } }"#,
        )
        .await;
    let action = &later["action"];
    assert_eq!(codes(&action["continues"]), ["LE1.3", "LE1.4"]);
    for earlier in action["continues"].as_array().expect("a list") {
        assert_eq!(earlier["strategicLine"]["code"], "LE1");
        assert_eq!(earlier["strategicLine"]["plan"]["code"], FIRST_PLAN);
        assert_eq!(earlier["continuedBy"], json!([{ "code": "SL1.1" }]));
    }
    assert_eq!(action["continuedBy"], json!([]));
    let lines = &later["plan"]["strategicLines"];
    assert_eq!(
        lines[0]["continues"],
        json!([{ "code": "LE1", "plan": { "code": FIRST_PLAN } }])
    );
    assert_eq!(lines[1]["continues"], json!([]));
    assert_eq!(
        lines[0]["expectedResults"][0]["continues"],
        json!([{ "code": "LE1.R2" }])
    );
    // From the earlier plan's side, by global ID too.
    let id = action["continues"][0]["id"].clone();
    let earlier = app
        .data_as(
            crate::common::Who::Anonymous,
            r#"query($id: ID!) { node(id: $id) { ... on Action { code continuedBy { code
                 strategicLine { plan { code } } } } }
               plan(code: "AMB-PI-2021-2025") { strategicLines { code continuedBy { code }
                 expectedResults { code continuedBy { code } } } } }"#,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        earlier["node"],
        json!({ "code": "LE1.3", "continuedBy": [{ "code": "SL1.1", "strategicLine": { "plan": { "code": SECOND_PLAN } } }] })
    );
    let lines = earlier["plan"]["strategicLines"].as_array().expect("lines");
    let continued: Vec<(String, Vec<String>)> = lines
        .iter()
        .map(|l| {
            (
                l["code"].as_str().expect("code").to_owned(),
                codes(&l["continuedBy"]),
            )
        })
        .filter(|(_, by)| !by.is_empty())
        .collect();
    assert_eq!(continued, [("LE1".to_owned(), vec!["SL1".to_owned()])]);
    let results: Vec<String> = lines
        .iter()
        .flat_map(|l| l["expectedResults"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["continuedBy"] != json!([]))
        .map(|r| r["code"].as_str().expect("code").to_owned())
        .collect();
    assert_eq!(results, ["LE1.R2"]);
}

#[tokio::test]
async fn organizations_and_municipalities_are_read_across_plans() {
    let dir = data_with_second_plan();
    let app = app_on(dir.path()).await;
    let plan_of = |a: &Value| {
        a["strategicLine"]["plan"]["code"]
            .as_str()
            .expect("plan")
            .to_owned()
    };
    let data = app
        .data(
            r#"{ organization(code: "AMB-SRI") {
                   ledActions(allPlans: true) { code strategicLine { plan { code } } }
                   current: ledActions { code }
                   later: ledActions(plan: "SYNTH-2026-2030") { code } }
               municipality(ineCode: "08101") {
                   actions(allPlans: true) { code strategicLine { plan { code } } } } }"#,
        )
        .await;
    let led = data["organization"]["ledActions"]
        .as_array()
        .expect("actions");
    let later: Vec<&str> = led
        .iter()
        .filter(|a| plan_of(a) == SECOND_PLAN)
        .map(|a| a["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        later,
        ["SL1.1"],
        "the service leads SL1.1 in the later plan"
    );
    let earlier = led.iter().take_while(|a| plan_of(a) == FIRST_PLAN).count();
    assert_eq!(earlier, led.len() - 1, "the earlier plan's first");
    let current = codes(&data["organization"]["current"]);
    assert_eq!(
        current.len(),
        earlier,
        "the current plan's only, by default"
    );
    assert_eq!(codes(&data["organization"]["later"]), ["SL1.1"]);
    let municipal = data["municipality"]["actions"].as_array().expect("actions");
    let later: Vec<&str> = municipal
        .iter()
        .filter(|a| plan_of(a) == SECOND_PLAN)
        .map(|a| a["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        later,
        ["SL1.1"],
        "SL1.1 involves the metropolitan municipalities"
    );
    let r = app
        .post_auth(
            None,
            r#"{ municipality(ineCode: "08101") {
                   actions(plan: "SYNTH-2026-2030", allPlans: true) { code } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.error_code(), Some("BAD_USER_INPUT"), "{}", r.body);
    assert_eq!(r.error_message(), "give a plan or allPlans: true, not both");
}

#[tokio::test]
async fn an_organization_renamed_later_keeps_its_name_in_the_earlier_plan() {
    let dir = data_with_second_plan();
    // The registry renames the service; the earlier plan keeps the name its text used.
    edit(
        dir.path(),
        "organizations.toml",
        "name.en = \"International Relations Service\"",
        "name.en = \"Global Affairs Service (synthetic rename)\"",
    );
    std::fs::write(
        dir.path().join(FIRST_PLAN).join("names.toml"),
        r#"# Names as this plan's text uses them (see data/README.md).
[[organizations]]
code = "AMB-SRI"
name.es = "Servicio de Relaciones Internacionales"
name.ca = "Servei de Relacions Internacionals"
name.en = "International Relations Service"
name.fr = "Service des relations internationales"
"#,
    )
    .expect("names.toml");
    let app = app_on(dir.path()).await;
    let name = |data: &Value| data["responsibleUnits"][0]["name"].clone();
    let data = app
        .data(
            r#"{ earlier: action(plan: "AMB-PI-2021-2025", code: "LE1.3") { responsibleUnits { name(lang: EN) } }
               later: action(plan: "SYNTH-2026-2030", code: "SL1.1") { responsibleUnits { name(lang: EN) } }
               organization(code: "AMB-SRI") { name(lang: EN) } }"#,
        )
        .await;
    assert_eq!(name(&data["earlier"]), "International Relations Service");
    assert_eq!(
        name(&data["later"]),
        "Global Affairs Service (synthetic rename)"
    );
    assert_eq!(
        data["organization"]["name"],
        "Global Affairs Service (synthetic rename)"
    );
}
