//! `plan-api demo-data`: plainly synthetic monitoring records, so that GraphiQL shows what the
//! monitoring API looks like. Never loaded by `serve`; every record is flagged `synthetic` and
//! every text says so in its first words. Running it again creates nothing new.

use chrono::NaiveDate;
use entity::I18n;
use sea_orm::DatabaseConnection;
use serde_json::Value;

use crate::auth::{Role, Viewer};
use crate::error::ApiError;
use crate::monitoring::store::{self, Actor, Link, NewRecord, Transition};
use crate::monitoring::validate::{self, Vocabulary};
use crate::monitoring::{
    ActivityPayload, EvaluationPayload, FundedProjectPayload, IndicatorPayload, MeasurementPayload,
    Milestone, ProgressPayload, kind, state,
};

/// The label every synthetic text starts with, in the text's language.
fn synthetic(es: &str, ca: &str, en: &str, fr: &str) -> I18n {
    I18n(
        [
            ("es", format!("[Datos sintéticos de demostración] {es}")),
            ("ca", format!("[Dades sintètiques de demostració] {ca}")),
            ("en", format!("[Synthetic demo data] {en}")),
            (
                "fr",
                format!("[Données synthétiques de démonstration] {fr}"),
            ),
        ]
        .into_iter()
        .map(|(l, t)| (l.to_owned(), t))
        .collect(),
    )
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, ApiError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or(ApiError::Internal)
}

fn json<T: serde::Serialize>(p: &T) -> Result<Value, ApiError> {
    serde_json::to_value(p).map_err(|_| ApiError::Internal)
}

struct Loader<'a> {
    db: &'a DatabaseConnection,
    plan: entity::plan::Model,
    vocab: Vocabulary,
    created: usize,
}

impl Loader<'_> {
    fn actor(unit: Option<&str>) -> Actor {
        Actor {
            viewer: Viewer {
                sub: Some("demo-data".to_owned()),
                role: if unit.is_some() {
                    Role::Area
                } else {
                    Role::Admin
                },
                unit: unit.map(str::to_owned),
                unit_scope: unit.map(|u| vec![u.to_owned()]).unwrap_or_default(),
                municipality: None,
                expires_at: None,
            },
            request_id: "demo-data".to_owned(),
        }
    }

    fn action_links(&self, actions: &[&str]) -> Vec<Link> {
        let mut links = Vec::new();
        for a in actions {
            links.push(("ACTION".to_owned(), (*a).to_owned()));
            if let Some(line) = self.vocab.action_lines.get(*a) {
                let l = ("LINE".to_owned(), line.clone());
                if !links.contains(&l) {
                    links.push(l);
                }
            }
        }
        links
    }

    /// Creates (or finds, on a second run) a record and publishes it unless `publish` is false.
    #[expect(clippy::too_many_arguments, reason = "one argument per column set")]
    async fn record(
        &mut self,
        key: &str,
        record_type: &'static str,
        unit: Option<&str>,
        code: Option<&str>,
        year: Option<i32>,
        payload: Value,
        links: Vec<Link>,
        publish: bool,
    ) -> Result<i32, ApiError> {
        let actor = Self::actor(unit);
        let new = NewRecord {
            record_type,
            code: code.map(str::to_owned),
            year,
            payload,
            links,
            owner_unit: unit.map(str::to_owned),
            owner_municipality: None,
            // Only submitted records are published: as a reporter would, send it for review.
            state: if publish {
                state::SUBMITTED
            } else {
                state::DRAFT
            },
            synthetic: true,
        };
        let (m, new) =
            store::create(self.db, self.plan.id, &actor, new, &format!("demo-{key}")).await?;
        if new {
            self.created += 1;
            if publish {
                store::transition(
                    self.db,
                    &Self::actor(None),
                    &m,
                    1,
                    Transition::Publish,
                    None,
                )
                .await?;
            }
        }
        Ok(m.id)
    }
}

/// Loads the synthetic records into the current plan; returns how many were new.
pub async fn load(db: &DatabaseConnection) -> Result<usize, ApiError> {
    let plan = crate::store::resolve_plan(db, None).await?;
    let vocab = Vocabulary::load(db, plan.id).await?;
    let years = (plan.start_year, plan.end_year);
    let mut l = Loader {
        db,
        plan,
        vocab,
        created: 0,
    };

    let progress = [
        ("p1", "LE1.1", "AMB-SRI", 2022, "IN_PROGRESS", 40, true),
        ("p2", "LE1.1", "AMB-SRI", 2023, "IN_PROGRESS", 60, true),
        ("p3", "LE1.2", "AMB-SRI", 2023, "IN_PROGRESS", 50, true),
        ("p4", "LE2.2", "AMB-SRI", 2023, "DELAYED", 20, true),
        ("p5", "LE3.1", "AMB-SRI", 2022, "NOT_STARTED", 0, true),
        ("p6", "LE3.1", "AMB-SRI", 2023, "IN_PROGRESS", 30, true),
        ("p7", "LE4.5", "AMB-ADE", 2023, "IN_PROGRESS", 55, true),
        ("p8", "LE5.1", "AMB-SCI", 2023, "IN_PROGRESS", 70, true),
        ("p9", "LE1.2", "AMB-SRI", 2024, "IN_PROGRESS", 65, false),
    ];
    for (key, action, unit, year, status, percent, publish) in progress {
        let p = ProgressPayload {
            action: action.to_owned(),
            status: status.to_owned(),
            percent_complete: percent,
            narrative: synthetic(
                &format!("Avance ficticio de la acción {action} en {year}."),
                &format!("Avenç fictici de l'acció {action} el {year}."),
                &format!("Fictitious progress of action {action} in {year}."),
                &format!("Avancement fictif de l'action {action} en {year}."),
            ),
            milestones: vec![Milestone {
                date: date(year, 6, 30)?,
                text: synthetic(
                    "Hito ficticio",
                    "Fita fictícia",
                    "Fictitious milestone",
                    "Jalon fictif",
                ),
            }],
            evidence_links: vec!["https://example.org/synthetic-evidence".to_owned()],
        };
        validate::progress(&p, year, years, &l.vocab)?;
        let links = l.action_links(&[action]);
        l.record(
            key,
            kind::PROGRESS_UPDATE,
            Some(unit),
            None,
            Some(year),
            json(&p)?,
            links,
            publish,
        )
        .await?;
    }

    let activities = [
        (
            "a1",
            "FORUM",
            2022,
            "EUROPE",
            None,
            vec!["LE1.2"],
            vec!["EMA"],
            vec!["08019", "08101"],
        ),
        (
            "a2",
            "STUDY_VISIT",
            2023,
            "ASIA",
            Some("seul"),
            vec!["LE3.5"],
            vec![],
            vec![],
        ),
        (
            "a3",
            "DELEGATION_RECEIVED",
            2023,
            "NORTH_AMERICA",
            Some("montreal"),
            vec!["LE3.5"],
            vec![],
            vec!["08019"],
        ),
        (
            "a4",
            "KNOWLEDGE_TRANSFER",
            2023,
            "MEDITERRANEAN",
            Some("tunez"),
            vec!["LE5.1"],
            vec!["MEDCITIES"],
            vec!["08101"],
        ),
    ];
    for (key, kind_, year, zone, partner, actions, orgs, munis) in activities {
        let p = ActivityPayload {
            kind: kind_.to_owned(),
            title: synthetic(
                &format!("Actividad ficticia ({kind_}, {year})"),
                &format!("Activitat fictícia ({kind_}, {year})"),
                &format!("Fictitious activity ({kind_}, {year})"),
                &format!("Activité fictive ({kind_}, {year})"),
            ),
            summary: synthetic(
                "Registro inventado para mostrar la API.",
                "Registre inventat per mostrar l'API.",
                "A made-up record to show the API.",
                "Un enregistrement inventé pour montrer l'API.",
            ),
            start_date: date(year, 5, 10)?,
            end_date: Some(date(year, 5, 12)?),
            place: Some("Barcelona".to_owned()),
            links: vec![],
            actions: actions.iter().map(|s| (*s).to_owned()).collect(),
            zones: vec![zone.to_owned()],
            partners: partner.map(|p| vec![p.to_owned()]).unwrap_or_default(),
            organizations: orgs.iter().map(|s| (*s).to_owned()).collect(),
            municipalities: munis.iter().map(|s| (*s).to_owned()).collect(),
        };
        validate::activity(&p, years, &l.vocab)?;
        let mut links = vec![("KIND".to_owned(), p.kind.clone())];
        links.extend(l.action_links(&actions));
        links.push(("ZONE".to_owned(), zone.to_owned()));
        links.extend(p.partners.iter().map(|c| ("PARTNER".to_owned(), c.clone())));
        links.extend(
            p.organizations
                .iter()
                .map(|c| ("ORGANIZATION".to_owned(), c.clone())),
        );
        links.extend(
            p.municipalities
                .iter()
                .map(|c| ("MUNICIPALITY".to_owned(), c.clone())),
        );
        l.record(
            key,
            kind::ACTIVITY,
            Some("AMB-SRI"),
            None,
            Some(year),
            json(&p)?,
            links,
            true,
        )
        .await?;
    }

    let projects = [
        (
            "f1",
            "FEDER",
            "LEAD",
            "2400000",
            "1200000",
            2021,
            Some(2023),
            "CLOSED",
            Some(true),
            vec!["08101", "08015"],
        ),
        (
            "f2",
            "URBACT",
            "PARTNER",
            "750000",
            "600000",
            2022,
            Some(2025),
            "IN_EXECUTION",
            None,
            vec!["08019"],
        ),
    ];
    for (key, programme, role, total, grant, start, end, status, continued, munis) in projects {
        let p = FundedProjectPayload {
            title: synthetic(
                &format!("Proyecto ficticio {programme}"),
                &format!("Projecte fictici {programme}"),
                &format!("Fictitious {programme} project"),
                &format!("Projet fictif {programme}"),
            ),
            summary: synthetic(
                "Importes inventados.",
                "Imports inventats.",
                "Made-up amounts.",
                "Montants inventés.",
            ),
            programme: programme.to_owned(),
            role: role.to_owned(),
            total_budget: total.to_owned(),
            grant_amount: grant.to_owned(),
            start_date: date(start, 1, 1)?,
            end_date: end.map(|e| date(e, 12, 31)).transpose()?,
            status: status.to_owned(),
            continued_after_funding: continued,
            links: vec![],
            actions: vec!["LE2.2".to_owned()],
            municipalities: munis.iter().map(|s| (*s).to_owned()).collect(),
        };
        validate::funded_project(&p, years, &l.vocab)?;
        let mut links = vec![("KIND".to_owned(), p.programme.clone())];
        links.extend(l.action_links(&["LE2.2"]));
        links.extend(
            p.municipalities
                .iter()
                .map(|c| ("MUNICIPALITY".to_owned(), c.clone())),
        );
        l.record(
            key,
            kind::FUNDED_PROJECT,
            Some("AMB-SRI"),
            None,
            Some(start),
            json(&p)?,
            links,
            true,
        )
        .await?;
    }

    let ind = IndicatorPayload {
        name: synthetic(
            "Proyectos europeos con participación del AMB",
            "Projectes europeus amb participació de l'AMB",
            "European projects with AMB participation",
            "Projets européens avec participation de l'AMB",
        ),
        unit: "projects".to_owned(),
        expected_result: Some("LE2.R1".to_owned()),
        action: None,
        baseline_value: "50".to_owned(),
        baseline_year: 2020,
        target_value: "60".to_owned(),
        target_year: 2025,
        direction: "INCREASE".to_owned(),
    };
    validate::indicator(&ind, "DEMO-LE2-1", years, &l.vocab)?;
    let links = vec![
        ("EXPECTED_RESULT".to_owned(), "LE2.R1".to_owned()),
        ("LINE".to_owned(), "LE2".to_owned()),
    ];
    let indicator = l
        .record(
            "i1",
            kind::INDICATOR,
            None,
            Some("DEMO-LE2-1"),
            None,
            json(&ind)?,
            links,
            true,
        )
        .await?;
    for (key, year, value) in [("m1", 2022, "53"), ("m2", 2023, "56")] {
        let p = MeasurementPayload {
            indicator_id: indicator,
            value: value.to_owned(),
            source: "Synthetic".to_owned(),
            notes: synthetic(
                "Valor inventado.",
                "Valor inventat.",
                "Made-up value.",
                "Valeur inventée.",
            ),
        };
        validate::measurement(&p, year, years)?;
        let links = vec![("INDICATOR".to_owned(), indicator.to_string())];
        l.record(
            key,
            kind::MEASUREMENT,
            None,
            None,
            Some(year),
            json(&p)?,
            links,
            true,
        )
        .await?;
    }

    let eval = EvaluationPayload {
        kind: "MID_TERM".to_owned(),
        status: "PLANNED".to_owned(),
        start_date: Some(date(2023, 9, 1)?),
        end_date: Some(date(2023, 12, 15)?),
        summary: synthetic(
            "Evaluación intermedia ficticia.",
            "Avaluació intermèdia fictícia.",
            "Fictitious mid-term evaluation.",
            "Évaluation à mi-parcours fictive.",
        ),
        findings: I18n::default(),
        recommendations: I18n::default(),
        document_link: None,
    };
    validate::evaluation(&eval, 2023, years)?;
    let links = vec![("KIND".to_owned(), "MID_TERM".to_owned())];
    l.record(
        "e1",
        kind::EVALUATION,
        None,
        None,
        Some(2023),
        json(&eval)?,
        links,
        true,
    )
    .await?;
    Ok(l.created)
}
