//! `plan-api demo-data`: plainly synthetic monitoring records, so that GraphiQL shows what the
//! monitoring API looks like. Never loaded by `serve`; every record is flagged `synthetic` and
//! every text says so in its first words. Running it again creates nothing new.

use chrono::NaiveDate;
use entity::I18n;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;

use crate::auth::{Role, Viewer};
use crate::error::ApiError;
use crate::monitoring::service::{
    ActivityDraft, Draft, EvaluationDraft, FundedProjectDraft, IndicatorDraft, MeasurementDraft,
    ProgressDraft, RecordRef, Service,
};
use crate::monitoring::store::Actor;
use crate::monitoring::{
    ActivityKind, ActivityPayload, EvaluationKind, EvaluationPayload, EvaluationStatus,
    FundedProjectPayload, FundingProgramme, IndicatorDirection, IndicatorPayload, Milestone,
    ProgressPayload, ProgressStatus, ProjectRole, ProjectStatus,
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

fn amount(text: &str) -> Result<Decimal, ApiError> {
    text.parse().map_err(|_| ApiError::Internal)
}

/// Writes the demo records through the monitoring service, as a reporter of `unit` (an area)
/// or as a coordinator, and publishes them as a coordinator.
struct Loader {
    db: DatabaseConnection,
    created: usize,
}

impl Loader {
    fn service(&self, unit: Option<&str>) -> Service {
        let viewer = Viewer {
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
        };
        let actor = Actor {
            viewer,
            request_id: "demo-data".to_owned(),
        };
        Service::new(self.db.clone(), actor).synthetic()
    }

    /// Creates (or finds, on a second run) a record and publishes it unless `publish` is false;
    /// returns its id.
    async fn record(
        &mut self,
        key: &str,
        unit: Option<&str>,
        draft: Draft,
        publish: bool,
    ) -> Result<i32, ApiError> {
        // Only submitted records are published: as a reporter would, send it for review.
        let written = self
            .service(unit)
            .create(draft, &format!("demo-{key}"), publish)
            .await?;
        let id = written.record.id;
        if written.created {
            self.created += 1;
            if publish {
                let reference =
                    RecordRef::of(&written.record, &written.plan).ok_or(ApiError::Internal)?;
                self.service(None).publish(&Ok(reference), 1).await?;
            }
        }
        Ok(id)
    }
}

/// Loads the synthetic records into the current plan; returns how many were new.
pub async fn load(db: &DatabaseConnection) -> Result<usize, ApiError> {
    let mut l = Loader {
        db: db.clone(),
        created: 0,
    };

    use ProgressStatus::{Delayed, InProgress, NotStarted};
    let progress = [
        ("p1", "LE1.1", "AMB-SRI", 2022, InProgress, 40, true),
        ("p2", "LE1.1", "AMB-SRI", 2023, InProgress, 60, true),
        ("p3", "LE1.2", "AMB-SRI", 2023, InProgress, 50, true),
        ("p4", "LE2.2", "AMB-SRI", 2023, Delayed, 20, true),
        ("p5", "LE3.1", "AMB-SRI", 2022, NotStarted, 0, true),
        ("p6", "LE3.1", "AMB-SRI", 2023, InProgress, 30, true),
        ("p7", "LE4.5", "AMB-ADE", 2023, InProgress, 55, true),
        ("p8", "LE5.1", "AMB-SCI", 2023, InProgress, 70, true),
        ("p9", "LE1.2", "AMB-SRI", 2024, InProgress, 65, false),
    ];
    for (key, action, unit, year, status, percent, publish) in progress {
        let p = ProgressPayload {
            action: action.to_owned(),
            status,
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
        let draft = Draft::Progress(ProgressDraft {
            plan: None,
            year,
            payload: p,
        });
        l.record(key, Some(unit), draft, publish).await?;
    }

    let activities = [
        (
            "a1",
            ActivityKind::Forum,
            2022,
            "EUROPE",
            None,
            vec!["LE1.2"],
            vec!["EMA"],
            vec!["08019", "08101"],
        ),
        (
            "a2",
            ActivityKind::StudyVisit,
            2023,
            "ASIA",
            Some("seul"),
            vec!["LE3.5"],
            vec![],
            vec![],
        ),
        (
            "a3",
            ActivityKind::DelegationReceived,
            2023,
            "NORTH_AMERICA",
            Some("montreal"),
            vec!["LE3.5"],
            vec![],
            vec!["08019"],
        ),
        (
            "a4",
            ActivityKind::KnowledgeTransfer,
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
            kind: kind_,
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
        let draft = Draft::Activity(ActivityDraft {
            plan: None,
            payload: p,
        });
        l.record(key, Some("AMB-SRI"), draft, true).await?;
    }

    let projects = [
        (
            "f1",
            FundingProgramme::Feder,
            ProjectRole::Lead,
            "2400000",
            "1200000",
            2021,
            Some(2023),
            ProjectStatus::Closed,
            Some(true),
            vec!["08101", "08015"],
        ),
        (
            "f2",
            FundingProgramme::Urbact,
            ProjectRole::Partner,
            "750000",
            "600000",
            2022,
            Some(2025),
            ProjectStatus::InExecution,
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
            programme,
            role,
            total_budget: amount(total)?,
            grant_amount: amount(grant)?,
            start_date: date(start, 1, 1)?,
            end_date: end.map(|e| date(e, 12, 31)).transpose()?,
            status,
            continued_after_funding: continued,
            links: vec![],
            actions: vec!["LE2.2".to_owned()],
            municipalities: munis.iter().map(|s| (*s).to_owned()).collect(),
        };
        let draft = Draft::FundedProject(FundedProjectDraft {
            plan: None,
            payload: p,
        });
        l.record(key, Some("AMB-SRI"), draft, true).await?;
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
        baseline_value: amount("50")?,
        baseline_year: 2020,
        target_value: amount("60")?,
        target_year: 2025,
        direction: IndicatorDirection::Increase,
    };
    let draft = Draft::Indicator(IndicatorDraft {
        plan: None,
        code: "DEMO-LE2-1".to_owned(),
        payload: ind,
    });
    let indicator = l.record("i1", None, draft, true).await?;
    let indicator_ref = {
        let stored = crate::monitoring::store::get(db, indicator)
            .await?
            .ok_or(ApiError::Internal)?;
        let plan = crate::store::resolve_plan(db, None).await?;
        RecordRef::of(&stored, &plan.code).ok_or(ApiError::Internal)?
    };
    for (key, year, value) in [("m1", 2022, "53"), ("m2", 2023, "56")] {
        let draft = Draft::Measurement(MeasurementDraft {
            indicator: Ok(indicator_ref.clone()),
            year,
            value: amount(value)?,
            source: "Synthetic".to_owned(),
            notes: synthetic(
                "Valor inventado.",
                "Valor inventat.",
                "Made-up value.",
                "Valeur inventée.",
            ),
        });
        l.record(key, None, draft, true).await?;
    }

    let eval = EvaluationPayload {
        kind: EvaluationKind::MidTerm,
        status: EvaluationStatus::Planned,
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
    let draft = Draft::Evaluation(EvaluationDraft {
        plan: None,
        year: Some(2023),
        payload: eval,
    });
    l.record("e1", None, draft, true).await?;
    Ok(l.created)
}
