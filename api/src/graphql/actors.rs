//! The organization registry and the 36 municipalities.

use std::sync::Arc;

use async_graphql::{Context, Enum, InputObject, Object};
use entity::{action_organization, organization};

use super::plan::GlossaryEntry;
use super::strategy::Action;
use super::{db, enum_str, loaders};
use crate::error::ApiError;
use crate::graphql::scoped::{Scoped, content_object, in_their_plans, plan_code};
use crate::loaders::{self, many, one};
use crate::store::{self, OrganizationQuery};

/// Root fields about actors.
#[derive(Default)]
pub struct ActorsQuery;

/// Root fields about actors.
#[Object]
impl ActorsQuery {
    /// An organization of the registry by code (e.g. `AMB-SRI`, `EMA`, or an INE code).
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Organization code.")] code: String,
    ) -> Result<Option<Organization>, ApiError> {
        let org = loaders::organization_by_code(loaders(ctx)?, &code)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("no organization with code {code:?}")))?;
        Ok(Some(Organization::new(org)))
    }

    /// The organization registry, in registry order, filtered and paginated.
    #[graphql(complexity = "super::list_cost(first, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many organizations to return (default 20, at most the server's page size cap: 100 unless configured)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Return the organizations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Narrows the list; all conditions must hold.")] filter: Option<
            OrganizationFilter,
        >,
    ) -> Result<OrganizationConnection, ApiError> {
        let page = super::page(ctx, first, after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let query = OrganizationQuery {
            kind: filter.kind.map(|k| enum_str(&k)),
            parent: filter.parent,
            text: filter.text,
        };
        let (rows, total) = store::organizations_page(db(ctx)?, &query, page).await?;
        Ok(OrganizationConnection::new(
            rows.into_iter()
                .map(|m| Organization::new(Arc::new(m)))
                .collect(),
            page,
            total,
        ))
    }

    /// The 36 municipalities of the AMB.
    #[graphql(complexity = "10 * child_complexity")]
    async fn municipalities(&self, ctx: &Context<'_>) -> Result<Vec<Municipality>, ApiError> {
        Ok(store::municipalities(db(ctx)?)
            .await?
            .into_iter()
            .map(|m| Municipality::new(Arc::new(m)))
            .collect())
    }

    /// A municipality by its 5-digit INE code (e.g. `08101`).
    async fn municipality(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "INE code: 5 digits, province 08 and municipality number.")]
        ine_code: String,
    ) -> Result<Option<Municipality>, ApiError> {
        if ine_code.len() != 5 || !ine_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::bad_input(
                "ineCode",
                format!("{ine_code:?} is not an INE code (5 digits, e.g. 08101)"),
            ));
        }
        let m = store::municipality(db(ctx)?, &ine_code)
            .await?
            .ok_or_else(|| {
                ApiError::NotFound(format!("no AMB municipality with INE code {ine_code}"))
            })?;
        Ok(Some(Municipality::new(Arc::new(m))))
    }
}

crate::connection!(
    OrganizationConnection,
    OrganizationEdge,
    Organization,
    "A page of organizations.",
    "An organization in a page of organizations."
);

/// Conditions on organizations.
#[derive(InputObject, Default)]
pub struct OrganizationFilter {
    /// Only organizations of this kind.
    pub kind: Option<OrganizationKind>,
    /// Only the members of this organization (its code), e.g. the services of an area.
    pub parent: Option<String>,
    /// Only organizations whose name, acronym or other wording contains this text
    /// (case- and accent-insensitive).
    pub text: Option<String>,
}

/// Kind of organization.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum OrganizationKind {
    /// A governing body of the AMB (Consejo Metropolitano, vice-presidencies, management).
    AmbBody,
    /// An area of the AMB.
    AmbArea,
    /// A service, agency, directorate or office of the AMB.
    AmbService,
    /// One of the 36 municipalities.
    Municipality,
    /// A network of cities or metropolises.
    Network,
    /// A body of the European Union.
    EuBody,
    /// A body of the United Nations system.
    UnBody,
    /// Another multilateral organization.
    Multilateral,
    /// A research centre, think tank or university.
    Research,
    /// Another public administration.
    Government,
    /// An economic actor.
    Economic,
    /// A civil-society organization.
    CivilSociety,
    /// A collective actor the plan names as a group (e.g. the metropolitan municipalities).
    Group,
}

/// An organization of the registry.
pub struct Organization {
    /// The registry row (shared with the content snapshot).
    pub(crate) row: Arc<organization::Model>,
}

/// Actions of `plans` linked to an organization in `role`, with their plans' codes, by plan
/// (oldest first) and position.
async fn linked_actions(
    ctx: &Context<'_>,
    org_ids: &[i32],
    role: Option<&str>,
    plans: &[Arc<entity::plan::Model>],
) -> Result<Vec<Action>, ApiError> {
    let loaders = loaders(ctx)?;
    let mut links: Vec<Arc<action_organization::Model>> = Vec::new();
    for id in org_ids {
        links.extend(many::<loaders::LinksOfOrganization>(loaders, *id).await?);
    }
    let mut ids: Vec<i32> = links
        .iter()
        .filter(|k| role.is_none_or(|r| k.role == r))
        .map(|k| k.action_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut actions = in_their_plans::<loaders::ActionById>(ctx, &ids).await?;
    actions.retain(|a| plans.iter().any(|p| p.id == a.row.plan_id));
    actions.sort_by_key(|a| {
        let plan = plans.iter().position(|p| p.id == a.row.plan_id);
        (plan, a.row.position)
    });
    Ok(actions)
}

impl Organization {
    /// The organization of registry row `row`.
    pub(crate) fn new(row: Arc<organization::Model>) -> Self {
        Self { row }
    }

    /// The organizations of `rows` as plan `plan_id`'s text names them: where the registry
    /// now names one otherwise, the plan's own name and acronym (`names.toml`).
    pub(crate) async fn named_in(
        loaders: &loaders::Loaders,
        plan_id: i32,
        rows: Vec<Arc<organization::Model>>,
    ) -> Result<Vec<Organization>, ApiError> {
        let names = many::<loaders::NamesOfPlan>(loaders, plan_id).await?;
        Ok(rows
            .into_iter()
            .map(
                |row| match names.iter().find(|n| n.organization_id == row.id) {
                    Some(n) => {
                        let mut renamed = (*row).clone();
                        renamed.name = n.name.clone();
                        if let Some(acronym) = &n.acronym {
                            renamed.acronym = acronym.0.get("es").cloned();
                            renamed.acronym_i18n = Some(acronym.clone());
                        }
                        Organization::new(Arc::new(renamed))
                    }
                    None => Organization::new(row),
                },
            )
            .collect())
    }
}

impl Municipality {
    /// The municipality of registry row `row`.
    pub(crate) fn new(row: Arc<organization::Model>) -> Self {
        Self { row }
    }
}

content_object! {
    /// An organization of the registry.
    #[id = shared]
    #[Object]
    impl Organization {
        /// Stable code (`AMB-SRI`, `EMA`, …; a municipality's is its INE code).
        code;
        /// Kind of organization.
        enum kind: OrganizationKind;
        /// Name, in the fullest form the plan uses.
        text name;
        /// Acronym, when it has one (in the language asked for: `UE` in Spanish, `EU` in English).
        text? acronym = acronym_i18n or acronym;
        /// Other wordings the plan uses for it.
        async fn aliases(&self) -> &[String] {
            &self.row.aliases.0
        }
        /// The organization it belongs to (an area's service → the area; a municipality → the
        /// group of metropolitan municipalities).
        async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Organization>, ApiError> {
            let Some(parent) = self.row.parent_id else {
                return Ok(None);
            };
            Ok(one::<loaders::OrganizationById>(loaders(ctx)?, parent)
                .await?
                .map(Organization::new))
        }
        /// The organizations that belong to it.
        #[graphql(complexity = "10 * child_complexity")]
        async fn members(&self, ctx: &Context<'_>) -> Result<Vec<Organization>, ApiError> {
            let rows = many::<loaders::ChildrenOfOrganization>(loaders(ctx)?, self.row.id).await?;
            Ok(rows.into_iter().map(Organization::new).collect())
        }
        /// The actions it is responsible for, in one plan or in every plan.
        #[graphql(complexity = "10 * child_complexity")]
        async fn led_actions(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
            #[graphql(
                desc = "Every plan's, oldest plan first (then leave `plan` out).",
                default
            )]
            all_plans: bool,
        ) -> Result<Vec<Action>, ApiError> {
            let plans = super::chosen_plans(ctx, plan.as_deref(), all_plans).await?;
            linked_actions(ctx, &[self.row.id], Some("RESPONSIBLE"), &plans).await
        }
        /// The actions it must be involved in, in one plan or in every plan.
        #[graphql(complexity = "10 * child_complexity")]
        async fn involved_actions(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
            #[graphql(
                desc = "Every plan's, oldest plan first (then leave `plan` out).",
                default
            )]
            all_plans: bool,
        ) -> Result<Vec<Action>, ApiError> {
            let plans = super::chosen_plans(ctx, plan.as_deref(), all_plans).await?;
            linked_actions(ctx, &[self.row.id], Some("INVOLVED"), &plans).await
        }
        /// The glossary entries defining its acronym.
        #[graphql(complexity = "10 * child_complexity")]
        async fn glossary_entries(&self, ctx: &Context<'_>) -> Result<Vec<GlossaryEntry>, ApiError> {
            let Some(acronym) = &self.row.acronym else {
                return Ok(Vec::new());
            };
            let loaders = loaders(ctx)?;
            let rows = loaders
                .load_one(loaders::GlossaryByAcronym(acronym.clone()))
                .await?
                .unwrap_or_default();
            let mut out = Vec::with_capacity(rows.len());
            let mut plan: Option<(i32, Arc<str>)> = None;
            for m in rows {
                let code = plan_code(loaders, &mut plan, m.plan_id).await?;
                out.push(Scoped::new(Arc::new(m), code));
            }
            Ok(out)
        }
        /// The municipality, when the organization is one.
        async fn municipality(&self) -> Option<Municipality> {
            (self.row.kind == "MUNICIPALITY").then(|| Municipality::new(self.row.clone()))
        }
    }
}

/// One of the 36 municipalities of the AMB.
pub struct Municipality {
    /// The registry row (shared with the content snapshot).
    pub(crate) row: Arc<organization::Model>,
}

impl Municipality {
    /// A page of the records of `kind` involving the municipality in `plan` (the current
    /// plan when `None`) that the caller may see, most recently recorded first, and how many
    /// there are.
    async fn records<T>(
        &self,
        ctx: &Context<'_>,
        (kind, wrap): (crate::monitoring::RecordKind, super::monitoring::Wrap<T>),
        year: Option<i32>,
        plan: Option<&str>,
        (first, after): (Option<i32>, Option<String>),
    ) -> Result<(Vec<T>, crate::pagination::Page, u64), ApiError> {
        let plan = loaders::plan(super::loaders(ctx)?, plan).await?;
        let key = super::monitoring::municipality_key(&self.row.code, kind, year, &plan);
        super::monitoring::linked_page(ctx, key, &plan.code, first, after, wrap).await
    }
}

content_object! {
    /// One of the 36 municipalities of the AMB.
    #[id = shared]
    #[Object]
    impl Municipality {
        /// INE code: province 08 and the municipality's number (5 digits).
        async fn ine_code(&self) -> &str {
            self.row.ine_code.as_deref().unwrap_or(&self.row.code)
        }
        /// INE control digit.
        async fn control_digit(&self) -> Option<&str> {
            self.row.ine_control_digit.as_deref()
        }
        /// Official name.
        async fn name(&self) -> String {
            super::i18n_first(&self.row.name)
        }
        /// Comarca (county) the municipality lies in.
        async fn comarca(&self) -> Option<&str> {
            self.row.comarca.as_deref()
        }
        /// The municipality as an organization of the registry.
        async fn organization(&self) -> Organization {
            Organization::new(self.row.clone())
        }
        /// Activities involving the municipality that the caller may see, in one plan or in
        /// every plan, newest first.
        #[graphql(
            complexity = "10 * child_complexity",
            deprecation = "Returns at most the newest 1,000 activities. Use `activitiesConnection`, which pages through all of them with `first`/`after` and gives their `totalCount`."
        )]
        async fn activities(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Only this reporting year.")] year: Option<i32>,
            #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
            #[graphql(
                desc = "Every plan's, oldest plan first (then leave `plan` out).",
                default
            )]
            all_plans: bool,
        ) -> Result<Vec<super::monitoring::Activity>, ApiError> {
            let plans = super::chosen_plans(ctx, plan.as_deref(), all_plans).await?;
            super::monitoring::municipality_records(
                ctx,
                &self.row.code,
                crate::monitoring::RecordKind::Activity,
                year,
                &plans,
                super::monitoring::Activity::from_model,
            )
            .await
        }
        /// The activities involving the municipality that the caller may see, in one plan,
        /// most recently recorded first, a page at a time.
        #[graphql(complexity = "crate::graphql::list_cost(first, child_complexity)")]
        async fn activities_connection(
            &self,
            ctx: &Context<'_>,
            #[graphql(
                desc = "How many to return (default 20, at most the server's page size cap: 100 unless configured)."
            )]
            first: Option<i32>,
            #[graphql(desc = "Return the activities after this cursor.")] after: Option<String>,
            #[graphql(desc = "Only this reporting year.")] year: Option<i32>,
            #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
        ) -> Result<super::monitoring::ActivityConnection, ApiError> {
            let (plan, page) = (plan.as_deref(), (first, after));
            let kind = (
                crate::monitoring::RecordKind::Activity,
                super::monitoring::Activity::from_model as super::monitoring::Wrap<_>,
            );
            let found = self.records(ctx, kind, year, plan, page);
            let (items, page, total) = found.await?;
            Ok(super::monitoring::ActivityConnection::new(items, page, total))
        }
        /// Funded projects in which the municipality participates that the caller may see,
        /// in one plan or in every plan, newest first.
        #[graphql(
            complexity = "10 * child_complexity",
            deprecation = "Returns at most the newest 1,000 funded projects. Use `fundedProjectsConnection`, which pages through all of them with `first`/`after` and gives their `totalCount`."
        )]
        async fn funded_projects(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Only projects starting this year.")] year: Option<i32>,
            #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
            #[graphql(
                desc = "Every plan's, oldest plan first (then leave `plan` out).",
                default
            )]
            all_plans: bool,
        ) -> Result<Vec<super::monitoring::FundedProject>, ApiError> {
            let plans = super::chosen_plans(ctx, plan.as_deref(), all_plans).await?;
            super::monitoring::municipality_records(
                ctx,
                &self.row.code,
                crate::monitoring::RecordKind::FundedProject,
                year,
                &plans,
                super::monitoring::FundedProject::from_model,
            )
            .await
        }
        /// The funded projects involving the municipality that the caller may see, in one plan,
        /// most recently recorded first, a page at a time.
        #[graphql(complexity = "crate::graphql::list_cost(first, child_complexity)")]
        async fn funded_projects_connection(
            &self,
            ctx: &Context<'_>,
            #[graphql(
                desc = "How many to return (default 20, at most the server's page size cap: 100 unless configured)."
            )]
            first: Option<i32>,
            #[graphql(desc = "Return the funded projects after this cursor.")] after: Option<String>,
            #[graphql(desc = "Only projects starting this year.")] year: Option<i32>,
            #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
        ) -> Result<super::monitoring::FundedProjectConnection, ApiError> {
            let (plan, page) = (plan.as_deref(), (first, after));
            let kind = (
                crate::monitoring::RecordKind::FundedProject,
                super::monitoring::FundedProject::from_model as super::monitoring::Wrap<_>,
            );
            let found = self.records(ctx, kind, year, plan, page);
            let (items, page, total) = found.await?;
            Ok(super::monitoring::FundedProjectConnection::new(items, page, total))
        }
        /// The actions whose actors include it (those naming it, and those naming the
        /// metropolitan municipalities as a group), in one plan or in every plan.
        #[graphql(complexity = "10 * child_complexity")]
        async fn actions(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
            #[graphql(
                desc = "Every plan's, oldest plan first (then leave `plan` out).",
                default
            )]
            all_plans: bool,
        ) -> Result<Vec<Action>, ApiError> {
            let plans = super::chosen_plans(ctx, plan.as_deref(), all_plans).await?;
            let mut ids = vec![self.row.id];
            ids.extend(self.row.parent_id);
            linked_actions(ctx, &ids, None, &plans).await
        }
    }
}
