//! Who may do what: the one place that grants access.
//!
//! [`TABLE`] is the whole policy, one row per operation and one column per role. Resolvers
//! never test roles themselves: they ask [`check`] (through [`PolicyGuard`] or directly when
//! the rule depends on the record), and `viewer { can { … } }` reads the same table, so what a
//! client is shown it may do is exactly what it will be allowed to do.

use async_graphql::{Context, Guard};

use crate::auth::{Role, Viewer};
use crate::error::ApiError;
use crate::monitoring::Visibility;
use crate::monitoring::store::AuditScope;

/// An operation the policy rules on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Read the plan's content and published monitoring records.
    ReadPublished,
    /// Read monitoring records that are not published (drafts, submitted, returned).
    ReadUnpublished,
    /// Report progress on an action.
    ReportProgress,
    /// Record indicator measurements.
    RecordMeasurement,
    /// Report activities.
    ReportActivity,
    /// Report funded projects.
    ReportFundedProject,
    /// Publish a submitted record, or return it with a comment.
    Review,
    /// Archive a record.
    Archive,
    /// Open and close reporting years, and change records of a closed year.
    ManageReportingYears,
    /// Read the audit trail.
    ReadAuditLog,
    /// Read operational data (what was loaded, when).
    ReadOperationalData,
    /// Define indicators (baseline, target, what they measure).
    ManageIndicators,
    /// Record evaluations.
    ManageEvaluations,
    /// Publish the annual activity report of a year, freezing it.
    PublishAnnualReport,
    /// Read a record's review comments: they are internal to the review, between the reporter
    /// and the reviewers, whatever the record's state.
    ReadReviewComments,
    /// See a record's revision details (its `version`, and who reviewed it): only those who may
    /// change or review the record need them; to others they tell how often it was returned.
    ReadRevisions,
    /// Register, change and delete webhook endpoints, rotate their secrets and read their
    /// delivery log.
    ManageWebhooks,
}

/// How a role may do an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Always.
    Allow,
    /// Never.
    Deny,
    /// Only on records about actions the viewer's unit is responsible for.
    OwnActions,
    /// Only on records of the viewer's own municipality.
    OwnMunicipality,
    /// Only on records the viewer reported (its unit's, or its municipality's).
    OwnRecords,
}

use Operation::*;
use Rule::*;

/// The policy. Columns: anonymous, reader, area, municipality, admin.
#[rustfmt::skip]
pub const TABLE: &[(Operation, [Rule; 5])] = &[
    //                       anonymous  reader  area        municipality     admin
    (ReadPublished,        [Allow,     Allow,  Allow,      Allow,           Allow]),
    (ReadUnpublished,      [Deny,      Allow,  OwnRecords, OwnRecords,      Allow]),
    (ReportProgress,       [Deny,      Deny,   OwnActions, Deny,            Allow]),
    (RecordMeasurement,    [Deny,      Deny,   OwnActions, Deny,            Allow]),
    (ReportActivity,       [Deny,      Deny,   OwnRecords, OwnMunicipality, Allow]),
    (ReportFundedProject,  [Deny,      Deny,   OwnRecords, OwnMunicipality, Allow]),
    (Review,               [Deny,      Deny,   Deny,       Deny,            Allow]),
    (Archive,              [Deny,      Deny,   Deny,       Deny,            Allow]),
    (ManageReportingYears, [Deny,      Deny,   Deny,       Deny,            Allow]),
    (ReadAuditLog,         [Deny,      Deny,   OwnRecords, OwnRecords,      Allow]),
    (ReadOperationalData,  [Deny,      Allow,  Deny,       Deny,            Allow]),
    (ManageIndicators,     [Deny,      Deny,   Deny,       Deny,            Allow]),
    (ManageEvaluations,    [Deny,      Deny,   Deny,       Deny,            Allow]),
    (PublishAnnualReport,  [Deny,      Deny,   Deny,       Deny,            Allow]),
    (ReadReviewComments,   [Deny,      Allow,  OwnRecords, OwnRecords,      Allow]),
    (ReadRevisions,        [Deny,      Deny,   OwnRecords, OwnRecords,      Allow]),
    (ManageWebhooks,       [Deny,      Deny,   Deny,       Deny,            Allow]),
];

/// The rule for `role` doing `op`.
pub fn rule(role: Role, op: Operation) -> Rule {
    let column = Role::ALL.iter().position(|r| *r == role).unwrap_or(0);
    TABLE
        .iter()
        .find(|(o, _)| *o == op)
        .map_or(Deny, |(_, rules)| rules[column])
}

/// The record an operation is about, as far as the policy needs to know it.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// Codes of the organizations responsible for the action the record is about.
    pub responsible_units: Vec<String>,
    /// INE code of the municipality the record belongs to.
    pub municipality: Option<String>,
    /// Who reported the record: a unit code or an INE code.
    pub reported_by: Option<String>,
}

impl Target {
    /// A stored monitoring record as the policy sees it: who reported it.
    pub fn of_record(record: &entity::monitoring_record::Model) -> Target {
        Target::of_owner(
            record.owner_unit.as_deref(),
            record.owner_municipality.as_deref(),
        )
    }

    /// A record reported by `unit` or `municipality` (an event about it knows no more).
    pub fn of_owner(unit: Option<&str>, municipality: Option<&str>) -> Target {
        Target {
            reported_by: unit.or(municipality).map(str::to_owned),
            municipality: municipality.map(str::to_owned),
            ..Target::default()
        }
    }
}

/// Whether `viewer` may do `op` on the stored `record` (the owner-dependent rules applied to
/// who reported it).
pub fn allows_on_record(
    viewer: &Viewer,
    op: Operation,
    record: &entity::monitoring_record::Model,
) -> bool {
    allows(viewer, op, Some(&Target::of_record(record)))
}

/// Whether `viewer` may do `op`: on `target` when given, or on some record when not.
pub fn allows(viewer: &Viewer, op: Operation, target: Option<&Target>) -> bool {
    let own_unit = |codes: &[String]| codes.iter().any(|c| viewer.unit_scope.contains(c));
    match (rule(viewer.role, op), target) {
        (Allow, _) => true,
        (Deny, _) => false,
        // Without a record: may the viewer do it on some record?
        (OwnActions | OwnMunicipality | OwnRecords, None) => true,
        (OwnActions, Some(t)) => own_unit(&t.responsible_units),
        (OwnMunicipality, Some(t)) => {
            viewer.municipality.is_some() && t.municipality == viewer.municipality
        }
        (OwnRecords, Some(t)) => match (&t.reported_by, viewer.role) {
            (Some(by), Role::Area) => viewer.unit_scope.contains(by),
            (Some(by), Role::Municipality) => viewer.municipality.as_ref() == Some(by),
            _ => false,
        },
    }
}

/// Refuses with `FORBIDDEN` unless `viewer` may do `op` (on `target`).
pub fn check(viewer: &Viewer, op: Operation, target: Option<&Target>) -> Result<(), ApiError> {
    if allows(viewer, op, target) {
        Ok(())
    } else if viewer.role == Role::Anonymous {
        Err(ApiError::Forbidden(
            "this requires a token: anonymous callers read published content only".to_owned(),
        ))
    } else {
        let why = match (rule(viewer.role, op), target.is_some()) {
            (OwnActions, true) => format!(
                "your unit ({}) is not responsible for this action",
                viewer.unit.as_deref().unwrap_or("none")
            ),
            (OwnMunicipality, true) => "you may only do this for your own municipality".into(),
            (OwnRecords, true) => "you may only do this on your own records".into(),
            _ => format!(
                "the role {} may not do this",
                viewer.role.claim().unwrap_or("anonymous")
            ),
        };
        Err(ApiError::Forbidden(why))
    }
}

/// Which monitoring records the viewer sees: published ones, and its own or all unpublished
/// ones as [`ReadUnpublished`] allows.
pub fn visibility(viewer: &Viewer) -> Visibility {
    match (rule(viewer.role, ReadUnpublished), viewer.role) {
        (Allow, _) => Visibility::All,
        (OwnRecords, Role::Area) => Visibility::PublishedOrUnits(viewer.unit_scope.clone()),
        (OwnRecords, Role::Municipality) => viewer.municipality.clone().map_or(
            Visibility::PublishedOnly,
            Visibility::PublishedOrMunicipality,
        ),
        _ => Visibility::PublishedOnly,
    }
}

/// Whose audit entries the viewer may read; `FORBIDDEN` when none.
pub fn audit_scope(viewer: &Viewer) -> Result<AuditScope, ApiError> {
    check(viewer, ReadAuditLog, None)?;
    Ok(match (rule(viewer.role, ReadAuditLog), viewer.role) {
        (Allow, _) => AuditScope::All,
        (_, Role::Area) => AuditScope::Units(viewer.unit_scope.clone()),
        (_, Role::Municipality) => {
            AuditScope::Municipality(viewer.municipality.clone().unwrap_or_default())
        }
        _ => AuditScope::Units(Vec::new()),
    })
}

/// Whether `viewer` may see who made the audited write `entry`: those who read the whole trail
/// see everyone; others see the writers of their own unit or municipality, never the
/// reviewers or other reporters (whose subjects identify people).
pub fn sees_audit_actor(viewer: &Viewer, entry: &entity::audit_entry::Model) -> bool {
    match rule(viewer.role, ReadAuditLog) {
        Allow => true,
        Deny => false,
        OwnActions | OwnMunicipality | OwnRecords => {
            entry
                .actor_unit
                .as_ref()
                .is_some_and(|u| viewer.unit_scope.contains(u))
                || (entry.actor_municipality.is_some()
                    && entry.actor_municipality == viewer.municipality)
        }
    }
}

/// Reporters edit their records while they are theirs to edit (DRAFT or RETURNED); once
/// submitted, only a reviewer changes them. Archived records are never edited.
pub fn check_editable(viewer: &Viewer, state: &str) -> Result<(), ApiError> {
    use crate::monitoring::ReviewState::{Archived, Draft, Returned};
    let state: crate::monitoring::ReviewState = state.parse()?;
    if state == Archived {
        return Err(ApiError::Forbidden(
            "archived records cannot be changed".to_owned(),
        ));
    }
    if viewer.role == Role::Admin || state == Draft || state == Returned {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "a {state} record can only be changed by a reviewer; ask for it to be returned"
        )))
    }
}

/// Once a reporting year is closed, only admins change its records.
pub fn check_year_open(viewer: &Viewer, year: i32, closed: bool) -> Result<(), ApiError> {
    if closed && rule(viewer.role, ManageReportingYears) != Allow {
        Err(ApiError::Forbidden(format!(
            "the reporting year {year} is closed; only the plan's coordinators can change it"
        )))
    } else {
        Ok(())
    }
}

/// Once a plan is no longer the current one, its records are left to the coordinators, as a
/// closed year's are: they still write its final evaluation and its annual reports.
pub fn check_plan_current(viewer: &Viewer, plan: &str, current: bool) -> Result<(), ApiError> {
    if !current && rule(viewer.role, ManageReportingYears) != Allow {
        Err(ApiError::Forbidden(format!(
            "the plan {plan} is no longer the current plan; only the plan's coordinators can \
             change its records"
        )))
    } else {
        Ok(())
    }
}

/// The request's viewer (anonymous if the request carried none).
pub fn viewer<'a>(ctx: &Context<'a>) -> &'a Viewer {
    static ANONYMOUS: std::sync::LazyLock<Viewer> = std::sync::LazyLock::new(Viewer::anonymous);
    ctx.data_opt::<Viewer>().unwrap_or(&ANONYMOUS)
}

/// A field guard: the viewer must be allowed `0` (on some record).
pub struct PolicyGuard(pub Operation);

impl Guard for PolicyGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        check(viewer(ctx), self.0, None).map_err(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_exactly_one_row() {
        for (i, (op, _)) in TABLE.iter().enumerate() {
            assert!(TABLE[i + 1..].iter().all(|(o, _)| o != op), "{op:?} twice");
        }
        assert_eq!(TABLE.len(), 17);
    }

    #[test]
    fn admin_may_do_everything_and_anonymous_only_read_published() {
        for (op, rules) in TABLE {
            assert_eq!(rules[4], Allow, "{op:?}");
            assert_eq!(rules[0] == Allow, *op == ReadPublished, "{op:?}");
        }
    }

    #[test]
    fn review_comments_and_revisions_are_for_the_reporter_and_the_reviewers() {
        let record = entity::monitoring_record::Model {
            id: 1,
            public_id: "p".into(),
            plan_id: 1,
            record_type: "ACTIVITY".into(),
            code: None,
            year: Some(2023),
            subject: None,
            state: "PUBLISHED".into(),
            version: 5,
            payload: serde_json::json!({}),
            review_comment: None,
            owner_sub: "someone".into(),
            owner_role: "area".into(),
            owner_unit: Some("AMB-SRI".into()),
            owner_municipality: None,
            idempotency_key: None,
            request_hash: None,
            synthetic: false,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            published_at: None,
        };
        let area = |unit: &str| Viewer {
            role: Role::Area,
            unit: Some(unit.into()),
            unit_scope: vec![unit.into()],
            ..Viewer::anonymous()
        };
        let reader = Viewer {
            role: Role::Reader,
            ..Viewer::anonymous()
        };
        let admin = Viewer {
            role: Role::Admin,
            ..Viewer::anonymous()
        };
        for (viewer, comments, revisions) in [
            (Viewer::anonymous(), false, false),
            (reader, true, false),
            (area("AMB-SRI"), true, true),
            (area("AMB-ADE"), false, false),
            (admin, true, true),
        ] {
            assert_eq!(
                allows_on_record(&viewer, ReadReviewComments, &record),
                comments,
                "{viewer:?}"
            );
            assert_eq!(
                allows_on_record(&viewer, ReadRevisions, &record),
                revisions,
                "{viewer:?}"
            );
        }
    }

    #[test]
    fn readers_write_nothing() {
        for op in [
            ReportProgress,
            RecordMeasurement,
            ReportActivity,
            ReportFundedProject,
            Review,
            Archive,
            ManageReportingYears,
            ManageIndicators,
            ManageEvaluations,
            PublishAnnualReport,
            ManageWebhooks,
        ] {
            assert_eq!(rule(Role::Reader, op), Deny, "{op:?}");
        }
    }

    #[test]
    fn areas_act_on_their_units_actions_and_municipalities_on_their_own() {
        let area = Viewer {
            role: Role::Area,
            unit: Some("AMB-AIC".into()),
            unit_scope: vec!["AMB-AIC".into(), "AMB-SRI".into()],
            ..Viewer::anonymous()
        };
        let theirs = Target {
            responsible_units: vec!["AMB-SRI".into()],
            ..Target::default()
        };
        let others = Target {
            responsible_units: vec!["AMB-ADE".into()],
            ..Target::default()
        };
        assert!(allows(&area, ReportProgress, Some(&theirs)));
        assert!(!allows(&area, ReportProgress, Some(&others)));
        let muni = Viewer {
            role: Role::Municipality,
            municipality: Some("08101".into()),
            ..Viewer::anonymous()
        };
        let own = Target {
            municipality: Some("08101".into()),
            ..Target::default()
        };
        let other = Target {
            municipality: Some("08019".into()),
            ..Target::default()
        };
        assert!(allows(&muni, ReportActivity, Some(&own)));
        assert!(!allows(&muni, ReportActivity, Some(&other)));
        assert!(!allows(&muni, ReportProgress, None));
    }
}
