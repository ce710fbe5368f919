//! One plan's content, table by table: the plan and its document, the strategy, the
//! geography, the people, and the link tables between them.

use std::collections::HashMap;

use entity::{
    CreditList, I18nList, StringList, action, action_organization, expected_result,
    form_contribution, form_of_intervention, geographic_zone, glossary_entry, governance_item,
    key_figure, line_scope, monitoring_commitment, participant, plan, section, specific_objective,
    strategic_line, summary_row, swot_item, theme, zone_line, zone_partner,
};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set,
};

use super::{data, i18n, pos, search, upsert};
use crate::fold::fold;

/// Upserts the rows of one plan-owned table and deletes the plan's rows whose code left the
/// files. `rows` are `(code, active model)` in document order.
macro_rules! sync_table {
    ($txn:expr, $plan_id:expr, $module:ident, $rows:expr) => {{
        let mut ids: HashMap<String, i32> = HashMap::new();
        for (code, am) in $rows {
            let id = upsert::<$module::Entity>(
                $txn,
                am,
                &[$module::Column::PlanId, $module::Column::Code],
            )
            .await?;
            ids.insert(code, id);
        }
        $module::Entity::delete_many()
            .filter($module::Column::PlanId.eq($plan_id))
            .filter($module::Column::Code.is_not_in(ids.keys().cloned()))
            .exec($txn)
            .await?;
        ids
    }};
}

#[expect(
    clippy::too_many_lines,
    reason = "one straight pass over the plan's tables"
)]
pub(super) async fn load_plan(
    txn: &DatabaseTransaction,
    ds: &data::Dataset,
    orgs: &HashMap<String, i32>,
) -> anyhow::Result<()> {
    let p = &ds.plan.plan;
    let approved_on = chrono::NaiveDate::parse_from_str(&p.approved_on.to_string(), "%Y-%m-%d")?;
    if p.current {
        // Only one plan is current: the one served when no code is given.
        plan::Entity::update_many()
            .col_expr(
                plan::Column::Current,
                sea_orm::sea_query::Expr::value(false),
            )
            .filter(plan::Column::Code.ne(p.code.as_str()))
            .exec(txn)
            .await?;
    }
    let plan_id = upsert::<plan::Entity>(
        txn,
        plan::ActiveModel {
            id: NotSet,
            code: Set(p.code.clone()),
            current: Set(p.current),
            title: Set(i18n(&p.title)),
            short_title: Set(i18n(&p.short_title)),
            start_year: Set(p.start_year),
            end_year: Set(p.end_year),
            approved_on: Set(approved_on),
            approved_by: Set(i18n(&p.approved_by)),
            approval_statement: Set(i18n(&p.approval_statement)),
            published: Set(p.published.clone()),
            published_place: Set(p.published_place.clone()),
            legal_deposit: Set(p.legal_deposit.clone()),
            copyright: Set(p.copyright.clone()),
            publication_languages: Set(StringList(p.publication_languages.clone())),
            publication_note: Set(i18n(&p.publication_note)),
            general_objective: Set(i18n(&p.general_objective)),
            credits: Set(CreditList(
                p.credits
                    .iter()
                    .map(|c| entity::Credit {
                        role: i18n(&c.role),
                        text: i18n(&c.text),
                    })
                    .collect(),
            )),
        },
        &[plan::Column::Code],
    )
    .await?;

    let f = &ds.plan;
    sync_table!(
        txn,
        plan_id,
        section,
        ds.sections.sections.iter().enumerate().map(|(i, s)| (
            s.code.clone(),
            section::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(s.code.clone()),
                position: Set(pos(i)),
                numeral: Set(s.numeral.clone()),
                title: Set(i18n(&s.title)),
                body: Set(i18n(&s.body)),
                signature: Set(s.signature.as_ref().map(i18n)),
            }
        ))
    );
    sync_table!(
        txn,
        plan_id,
        key_figure,
        f.key_figures.iter().enumerate().map(|(i, k)| (
            k.code.clone(),
            key_figure::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(k.code.clone()),
                position: Set(pos(i)),
                label: Set(i18n(&k.label)),
                value: Set(k.value.clone()),
                unit: Set(k.unit.clone()),
                comparator: Set(k.comparator.clone()),
                year: Set(k.year),
                section_code: Set(k.section.clone()),
                sentence: Set(i18n(&k.sentence)),
            }
        ))
    );
    sync_table!(
        txn,
        plan_id,
        swot_item,
        swot_codes(&f.swot)
            .into_iter()
            .zip(&f.swot)
            .enumerate()
            .map(|(i, (code, s))| (
                code.clone(),
                swot_item::ActiveModel {
                    id: NotSet,
                    plan_id: Set(plan_id),
                    code: Set(code),
                    position: Set(pos(i)),
                    kind: Set(s.kind.clone()),
                    text: Set(i18n(&s.text)),
                }
            ))
    );
    sync_table!(
        txn,
        plan_id,
        specific_objective,
        f.specific_objectives.iter().map(|o| (
            o.code.clone(),
            specific_objective::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(o.code.clone()),
                position: Set(o.number),
                text: Set(i18n(&o.text)),
            }
        ))
    );
    sync_table!(
        txn,
        plan_id,
        theme,
        f.themes.iter().enumerate().map(|(i, t)| (
            t.code.clone(),
            theme::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(t.code.clone()),
                position: Set(pos(i)),
                category: Set(t.category.clone()),
                title: Set(i18n(&t.title)),
                subtopics: Set(I18nList(t.subtopics.iter().map(i18n).collect())),
                summary_label: Set(t.summary_label.as_ref().map(i18n)),
                description: Set(t.description.as_ref().map(i18n)),
            }
        ))
    );
    sync_table!(
        txn,
        plan_id,
        governance_item,
        f.governance.iter().enumerate().map(|(i, g)| (
            g.code.clone(),
            governance_item::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(g.code.clone()),
                position: Set(pos(i)),
                title: Set(i18n(&g.title)),
                summary: Set(g.summary.as_ref().map(i18n)),
                description: Set(i18n(&g.description)),
                organizations: Set(StringList(g.organizations.clone())),
            }
        ))
    );
    sync_table!(
        txn,
        plan_id,
        monitoring_commitment,
        f.monitoring.iter().enumerate().map(|(i, m)| (
            m.code.clone(),
            monitoring_commitment::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(m.code.clone()),
                position: Set(pos(i)),
                kind: Set(m.kind.clone()),
                year: Set(m.year),
                text: Set(i18n(&m.text)),
            }
        ))
    );

    let s = &ds.strategy;
    let lines = sync_table!(
        txn,
        plan_id,
        strategic_line,
        s.strategic_lines.iter().map(|l| (
            l.code.clone(),
            strategic_line::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(l.code.clone()),
                position: Set(l.number),
                title: Set(i18n(&l.title)),
                description: Set(i18n(&l.description)),
            }
        ))
    );
    let line = |code: &str| lines.get(code).copied().unwrap_or_default();
    let scopes = sync_table!(
        txn,
        plan_id,
        line_scope,
        s.strategic_lines
            .iter()
            .flat_map(|l| l.scopes.iter().map(move |sc| (l, sc)))
            .enumerate()
            .map(|(i, (l, sc))| (
                sc.code.clone(),
                line_scope::ActiveModel {
                    id: NotSet,
                    plan_id: Set(plan_id),
                    code: Set(sc.code.clone()),
                    position: Set(pos(i)),
                    line_id: Set(line(&l.code)),
                    title: Set(i18n(&sc.title)),
                    description: Set(i18n(&sc.description)),
                }
            ))
    );
    let actions = sync_table!(
        txn,
        plan_id,
        action,
        s.actions.iter().enumerate().map(|(i, a)| (
            a.code.clone(),
            action::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(a.code.clone()),
                position: Set(pos(i)),
                line_id: Set(line(&a.line)),
                scope_id: Set(a.scope.as_ref().and_then(|sc| scopes.get(sc).copied())),
                title: Set(i18n(&a.title)),
                responsible_text: Set(i18n(&a.responsible_text)),
                involved_text: Set(i18n(&a.involved_text)),
            }
        ))
    );
    sync_table!(
        txn,
        plan_id,
        expected_result,
        s.expected_results.iter().enumerate().map(|(i, r)| (
            r.code.clone(),
            expected_result::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(r.code.clone()),
                position: Set(pos(i)),
                line_id: Set(line(&r.line)),
                text: Set(i18n(&r.text)),
            }
        ))
    );
    let forms = sync_table!(
        txn,
        plan_id,
        form_of_intervention,
        s.forms_of_intervention.iter().enumerate().map(|(i, fi)| (
            fi.code.clone(),
            form_of_intervention::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(fi.code.clone()),
                position: Set(pos(i)),
                letter: Set(fi.letter.clone()),
                title: Set(i18n(&fi.title)),
                description: Set(i18n(&fi.description)),
            }
        ))
    );
    let g = &ds.geography;
    let zones = sync_table!(
        txn,
        plan_id,
        geographic_zone,
        g.zones.iter().enumerate().map(|(i, z)| (
            z.code.clone(),
            geographic_zone::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(z.code.clone()),
                position: Set(pos(i)),
                name: Set(i18n(&z.name)),
                description: Set(i18n(&z.description)),
                partners_statement: Set(i18n(&z.partners_statement)),
            }
        ))
    );
    sync_table!(
        txn,
        plan_id,
        zone_partner,
        g.zones
            .iter()
            .flat_map(|z| z.partners.iter().map(move |p| (z, p)))
            .enumerate()
            .map(|(i, (z, p))| {
                let code = partner_code(p);
                (
                    code.clone(),
                    zone_partner::ActiveModel {
                        id: NotSet,
                        plan_id: Set(plan_id),
                        code: Set(code),
                        position: Set(pos(i)),
                        zone_id: Set(zones.get(&z.code).copied().unwrap_or_default()),
                        name: Set(i18n(&p.name)),
                        relation: Set(p.relation.clone()),
                    },
                )
            })
    );
    let p = &ds.people;
    sync_table!(
        txn,
        plan_id,
        participant,
        p.participants.iter().enumerate().map(|(i, pa)| (
            format!("P{:03}", i + 1),
            participant::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(format!("P{:03}", i + 1)),
                position: Set(pos(i)),
                participant_group: Set(pa.group.clone()),
                institution: Set(i18n(&pa.institution)),
                name: Set(pa.name.clone()),
                job_title: Set(i18n(&pa.position)),
            }
        ))
    );
    sync_table!(
        txn,
        plan_id,
        glossary_entry,
        p.glossary.iter().enumerate().map(|(i, e)| (
            glossary_code(e),
            glossary_entry::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                code: Set(glossary_code(e)),
                position: Set(pos(i)),
                acronym: Set(glossary_code(e)),
                acronym_i18n: Set(i18n(&e.acronym)),
                meaning: Set(i18n(&e.meaning)),
                original: Set(e.original.clone()),
            }
        ))
    );

    // Link tables carry no identity of their own: rebuild them.
    let action_ids: Vec<i32> = actions.values().copied().collect();
    action_organization::Entity::delete_many()
        .filter(action_organization::Column::ActionId.is_in(action_ids))
        .exec(txn)
        .await?;
    let mut links = Vec::new();
    for a in &s.actions {
        let action_id = actions.get(&a.code).copied().unwrap_or_default();
        for (role, codes) in [("RESPONSIBLE", &a.responsible), ("INVOLVED", &a.involved)] {
            let mut seen = Vec::new();
            for code in codes {
                let Some(org) = orgs.get(code).copied() else {
                    continue;
                };
                if seen.contains(&org) {
                    continue;
                }
                seen.push(org);
                links.push(action_organization::ActiveModel {
                    id: NotSet,
                    action_id: Set(action_id),
                    organization_id: Set(org),
                    role: Set(role.to_owned()),
                    position: Set(pos(seen.len() - 1)),
                });
            }
        }
    }
    if !links.is_empty() {
        action_organization::Entity::insert_many(links)
            .exec(txn)
            .await?;
    }
    let zone_ids: Vec<i32> = zones.values().copied().collect();
    zone_line::Entity::delete_many()
        .filter(zone_line::Column::ZoneId.is_in(zone_ids))
        .exec(txn)
        .await?;
    let zone_lines: Vec<_> = g
        .zones
        .iter()
        .flat_map(|z| {
            z.lines
                .iter()
                .enumerate()
                .map(|(i, l)| zone_line::ActiveModel {
                    id: NotSet,
                    zone_id: Set(zones.get(&z.code).copied().unwrap_or_default()),
                    line_id: Set(line(&l.line)),
                    position: Set(pos(i)),
                    text: Set(i18n(&l.text)),
                })
        })
        .collect();
    zone_line::Entity::insert_many(zone_lines).exec(txn).await?;
    let form_ids: Vec<i32> = forms.values().copied().collect();
    form_contribution::Entity::delete_many()
        .filter(form_contribution::Column::FormId.is_in(form_ids))
        .exec(txn)
        .await?;
    let contributions: Vec<_> = s
        .forms_of_intervention
        .iter()
        .flat_map(|fi| {
            fi.contributions
                .iter()
                .enumerate()
                .map(|(i, c)| form_contribution::ActiveModel {
                    id: NotSet,
                    form_id: Set(forms.get(&fi.code).copied().unwrap_or_default()),
                    line_id: Set(line(&c.line)),
                    position: Set(pos(i)),
                    text: Set(i18n(&c.text)),
                })
        })
        .collect();
    form_contribution::Entity::insert_many(contributions)
        .exec(txn)
        .await?;
    summary_row::Entity::delete_many()
        .filter(summary_row::Column::PlanId.eq(plan_id))
        .exec(txn)
        .await?;
    let rows: Vec<_> = s
        .summary
        .iter()
        .map(|r| summary_row::ActiveModel {
            id: NotSet,
            plan_id: Set(plan_id),
            line_id: Set(line(&r.line)),
            zones_and_institutions: Set(i18n(&r.zones_and_institutions)),
            actor_map: Set(i18n(&r.actor_map)),
            concrete_actions: Set(I18nList(r.concrete_actions.iter().map(i18n).collect())),
        })
        .collect();
    summary_row::Entity::insert_many(rows).exec(txn).await?;

    search::rebuild(txn, plan_id, ds).await?;
    Ok(())
}

/// SWOT items have no code in the document: `S1`…, `W1`…, `O1`…, `T1`… by kind and order.
pub(super) fn swot_codes(items: &[data::SwotItem]) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    items
        .iter()
        .map(|s| {
            let n = counts.entry(s.kind.as_str()).or_default();
            *n += 1;
            format!("{}{}", &s.kind[..1], n)
        })
        .collect()
}

/// A glossary entry's code: its Spanish acronym (checked present when the files are read).
pub(super) fn glossary_code(e: &data::GlossaryEntry) -> String {
    e.acronym.get("es").cloned().unwrap_or_default()
}

/// A partner's code: its Spanish name folded to `lower-kebab-case`.
pub(super) fn partner_code(p: &data::Partner) -> String {
    let name = p.name.get("es").map(String::as_str).unwrap_or_default();
    let folded = fold(name);
    let mut code = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.ends_with('-') {
            code.push('-');
        }
    }
    code.trim_matches('-').to_owned()
}
