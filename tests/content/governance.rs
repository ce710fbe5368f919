//! Governance items and the monitoring the plan commits to.

use super::*;

// ------------------------------------------------------------------ governance and monitoring

#[tokio::test]
async fn governance_items_follow_the_governance_section() {
    let plan = plan("governance { code title summary description organizations { code } }").await;
    let governance = &plan["governance"];

    let political = find(governance, "code", "political-lead");
    assert_eq!(
        political["title"],
        "Mando político de la acción internacional"
    );
    assert_eq!(
        political["summary"],
        "Vicepresidencia de Internacional y de Cooperación del AMB (coordinación con el resto de \
         vicepresidencias)"
    );
    assert!(text(&political["description"]).starts_with(
        "El mando político de la acción internacional se sitúa en la Vicepresidencia de \
         Internacional y de Cooperación de la corporación"
    ));
    let orgs = codes(&political["organizations"]);
    assert!(orgs.contains(&"AMB-VP-INT".to_owned()), "{orgs:?}");
    assert!(orgs.contains(&"AMB-VP-DSE".to_owned()), "{orgs:?}");

    let executive = find(governance, "code", "executive-deployment");
    assert_eq!(executive["title"], "Despliegue ejecutivo del Plan");
    assert_eq!(
        executive["summary"],
        "Área de Internacional y de Cooperación (coordinación con el resto de equipos técnicos \
         del AMB)"
    );
    let orgs = codes(&executive["organizations"]);
    for code in ["AMB-AIC", "AMB-SRI", "AMB-SCI", "AMB-SPE"] {
        assert!(orgs.contains(&code.to_owned()), "{code} in {orgs:?}");
    }

    let municipal = find(governance, "code", "municipal-coordination");
    assert_eq!(
        municipal["title"],
        "Coordinación con los 36 ayuntamientos metropolitanos"
    );
    assert_eq!(
        municipal["summary"],
        "reforzar el grupo de trabajo de Relaciones Internacionales"
    );
    assert!(
        text(&municipal["description"])
            .contains("se reforzará el grupo de trabajo de Asuntos Internacionales")
    );

    let synergies = find(governance, "code", "synergies");
    assert_eq!(
        synergies["title"],
        "Sinergias con operadores públicos y privados del territorio"
    );
    assert_eq!(
        synergies["summary"],
        "reuniones de trabajo con instituciones, actores económicos y sociales, universidades y \
         centros de investigación"
    );
}

#[tokio::test]
async fn monitoring_has_an_annual_report_and_two_evaluations() {
    let plan = plan("monitoring { code kind year text }").await;
    let monitoring = &plan["monitoring"];

    assert_eq!(
        strings(monitoring, "kind"),
        [
            "ANNUAL_ACTIVITY_REPORT",
            "MID_TERM_EVALUATION",
            "FINAL_EVALUATION"
        ]
    );
    assert_eq!(monitoring[0]["year"], Value::Null);
    assert_eq!(monitoring[1]["year"], 2023);
    assert_eq!(monitoring[2]["year"], 2025);
    assert_eq!(
        monitoring[0]["text"],
        "El AMB elaborará un informe de actividad anual, que deberá presentar a los órganos de \
         gobierno correspondientes y al grupo de trabajo de ayuntamientos. Además, difundirá el \
         informe por los medios que considere oportunos."
    );
    let evaluations = "La ejecución del Plan deberá ir acompañada, igualmente, de una evaluación \
                       intermedia (2023) y una evaluación final (2025).";
    assert_eq!(monitoring[1]["text"], evaluations);
    assert_eq!(monitoring[2]["text"], evaluations);
}
