"""The demo project: short documents written for Claimdesk, users for every role,
sources graded A–F, claims in every status, evidence in all three stances.

Built through the services (so it obeys every rule) by `manage.py demo`;
`make fixtures` dumps it to fixtures/demo.json, which `make demo` loads.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from .choices import ClaimKind, Role, SourceKind, Stance
from .demo_agreement import build_agreement_demo
from .demo_assign import build_assign_demo
from .demo_dashboard import build_dashboard_demo
from .demo_discuss import build_discuss_demo
from .demo_documents import add_scraped_documents
from .demo_jobs import build_jobs_demo
from .models import Project
from .services import (
    DocumentInput,
    claim_create,
    claim_move,
    document_import,
    evidence_link,
    membership_set,
    passage_create,
    project_create,
    release_cut,
    source_create,
    topic_create,
)

DEMO_PASSWORD = "claimdesk-demo"  # noqa: S105 - demo database only, printed by `make demo`

USERS = [
    ("olga", "Olga", "Owner", Role.OWNER),
    ("rafael", "Rafael", "Reviewer", Role.REVIEWER),
    ("anna", "Anna", "Annotator", Role.ANNOTATOR),
    ("victor", "Victor", "Viewer", Role.VIEWER),
]

SOURCES = [
    (
        "Journal of Eurasian Energy Studies",
        SourceKind.JOURNAL,
        "A",
        "Peer-reviewed, data appendices published, corrections policy.",
    ),
    (
        "Northbridge Policy Institute",
        SourceKind.THINK_TANK,
        "B",
        "Long record of accurate briefs; funding disclosed.",
    ),
    ("Harbour Post", SourceKind.NEWS, "C", "National daily; occasional unsourced claims."),
    ("Steppe Watch blog", SourceKind.BLOG, "D", "Single author, rarely cites sources."),
    ("Channel 8 Telegram", SourceKind.SOCIAL, "E", "Repeatedly published fabricated quotes."),
    ("Ministry of Trade bulletin", SourceKind.GOVERNMENT, "F", "Not yet assessed."),
]

DOCUMENTS = {
    "accord": (
        "Journal of Eurasian Energy Studies",
        DocumentInput(
            title="The 2024 pipeline accord: what the numbers say",
            authors=["Mira Castell", "Jonas Weil"],
            doi="10.5555/claimdesk.demo.1",
            language="en",
            text=(
                "Abstract\n\n"
                "In March 2024 the two governments signed an accord on a second gas pipeline. "
                "The accord foresees deliveries of 50 billion cubic metres a year from 2030. "
                "Pipeline exports covered 21% of the seller's gas revenue in 2023.\n\n"
                "We argue that the price formula favours the buyer. "
                "Construction is unlikely to start before 2026, because financing is not "
                "settled. Without Western equipment, compressor stations will be built with "
                "domestic turbines.\n"
            ),
        ),
    ),
    "brief": (
        "Northbridge Policy Institute",
        DocumentInput(
            title="Policy brief: limits of the partnership",
            authors=["Leona Brandt"],
            language="en",
            text=(
                "Key findings\n\n"
                "Trade between the two countries reached a record in 2023. "
                "The price formula favours the buyer, according to officials on both sides. "
                "Construction is unlikely to start before 2026.\n\n"
                "Recommendation: governments should publish the accord's price terms. "
                "Payment problems between banks persisted throughout 2024.\n"
            ),
        ),
    ),
    "multilingual": (
        "Harbour Post",
        DocumentInput(
            title="Reactions in three languages 🌏",
            language="mul",
            text=(
                "Readers' reactions, quoted as published.\n\n"
                "Москва заявила, что соглашение «историческое». "
                "(Moscow said the accord was “historic”.)\n"
                "北京表示，合作将继续深化。 (Beijing said cooperation would deepen further.)\n"
                "A trader wrote: “Prices will fall by 2026 🚀”. "
                "Café owners in Zürich expect nothing to change.\n"
            ),
        ),
    ),
    "blog": (
        "Steppe Watch blog",
        DocumentInput(
            title="Why the pipeline will never be built",
            language="en",
            text=(
                "Everyone says the new pipeline is coming. It is not.\n\n"
                "The accord foresees deliveries of 50 billion cubic metres, but nobody has "
                "paid for a single kilometre. Construction started secretly in 2023, my "
                "sources say.\n"
            ),
        ),
    ),
}


def build_demo() -> Project:
    """Create the demo users and project; returns the project."""
    User = get_user_model()
    admin = User.objects.create_superuser("admin", "admin@example.org", DEMO_PASSWORD)
    users = {}
    for username, first, last, _ in USERS:
        users[username] = User.objects.create_user(
            username,
            f"{username}@example.org",
            DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=True,
        )
    olga, rafael, anna = users["olga"], users["rafael"], users["anna"]
    # The owner may also start projects of her own (admins grant this per user or group).
    olga.user_permissions.add(
        Permission.objects.get(codename="add_project", content_type__app_label="curation")
    )
    project = project_create(
        actor=olga,
        slug="demo",
        name="Pipeline diplomacy watch",
        description="Claims about the 2024 pipeline accord, graded and reviewed.",
        guidelines=(
            "Mark the smallest passage that asserts the claim. Reword the statement so it "
            "stands alone. Grade credibility 1–6 (Admiralty); link every passage that "
            "supports, refutes or qualifies it."
        ),
    )
    for username, _, _, role in USERS[1:]:
        membership_set(actor=olga, project=project, user=users[username], role=role)
    del admin

    sources = {
        name: source_create(
            actor=olga,
            project=project,
            name=name,
            kind=kind,
            reliability=grade,
            reliability_rationale=why,
        )
        for name, kind, grade, why in SOURCES
    }
    docs = {
        key: document_import(actor=olga, project=project, item=item, source=sources[source])
        for key, (source, item) in DOCUMENTS.items()
    }
    topics = {
        name: topic_create(actor=olga, project=project, name=name)
        for name in ("energy", "finance", "trade", "public opinion")
    }

    def claim(doc, quote, author, **fields):
        passage = passage_create(actor=author, document=docs[doc], exact=quote)
        return claim_create(actor=author, passage=passage, **fields)

    def evidence(target, doc, quote, stance, author, note=""):
        passage = passage_create(actor=author, document=docs[doc], exact=quote)
        return evidence_link(actor=author, claim=target, passage=passage, stance=stance, note=note)

    deliveries = claim(
        "accord",
        "The accord foresees deliveries of 50 billion cubic metres a year from 2030.",
        anna,
        kind=ClaimKind.STATISTIC,
        attributed_to="the two governments",
        credibility=2,
        statement="The accord provides for 50 bcm/year of gas deliveries from 2030.",
        topics=[topics["energy"]],
    )
    evidence(
        deliveries,
        "blog",
        "The accord foresees deliveries of 50 billion cubic metres",
        Stance.SUPPORTS,
        anna,
    )
    price = claim(
        "accord",
        "We argue that the price formula favours the buyer.",
        anna,
        kind=ClaimKind.OPINION,
        attributed_to="the authors",
        credibility=3,
        statement="The price formula favours the buyer.",
        topics=[topics["energy"], topics["finance"]],
    )
    evidence(
        price,
        "brief",
        "The price formula favours the buyer, according to officials on both sides.",
        Stance.SUPPORTS,
        anna,
    )
    start = claim(
        "accord",
        "Construction is unlikely to start before 2026",
        rafael,
        kind=ClaimKind.PREDICTION,
        credibility=2,
        statement="Construction of the pipeline will not start before 2026.",
        topics=[topics["energy"]],
    )
    evidence(
        start, "brief", "Construction is unlikely to start before 2026.", Stance.SUPPORTS, rafael
    )
    evidence(
        start,
        "blog",
        "Construction started secretly in 2023, my sources say.",
        Stance.REFUTES,
        rafael,
        note="Unsourced; the blog is graded D.",
    )
    evidence(
        start,
        "accord",
        "because financing is not settled",
        Stance.QUALIFIES,
        rafael,
        note="Depends on financing.",
    )
    historic = claim(
        "multilingual",
        "Москва заявила, что соглашение «историческое».",
        anna,
        kind=ClaimKind.OPINION,
        attributed_to="Moscow",
        credibility=6,
        statement="Moscow called the accord historic.",
        topics=[topics["public opinion"]],
    )
    claim(
        "multilingual",
        "北京表示，合作将继续深化。",
        anna,
        kind=ClaimKind.PREDICTION,
        attributed_to="Beijing",
        credibility=3,
        statement="Beijing expects cooperation to deepen.",
        topics=[topics["trade"]],
    )
    rocket = claim(
        "multilingual",
        "Prices will fall by 2026 🚀",
        anna,
        kind=ClaimKind.PREDICTION,
        attributed_to="a trader",
        credibility=5,
    )
    claim(
        "brief",
        "Recommendation: governments should publish the accord's price terms.",
        anna,
        kind=ClaimKind.RECOMMENDATION,
        attributed_to="Northbridge Policy Institute",
        credibility=6,
        topics=[topics["finance"]],
    )
    payments = claim(
        "brief",
        "Payment problems between banks persisted throughout 2024.",
        anna,
        kind=ClaimKind.FACT,
        credibility=2,
        topics=[topics["finance"]],
    )
    claim(
        "accord",
        "Pipeline exports covered 21% of the seller's gas revenue in 2023.",
        anna,
        kind=ClaimKind.STATISTIC,
        credibility=1,
        topics=[topics["energy"], topics["trade"]],
    )

    # Review history: every status is represented.
    for submitted in (deliveries, price, start, historic, rocket, payments):
        claim_move(
            actor=anna if submitted.author_id == anna.pk else rafael,
            claim=submitted,
            move="submit",
            note="Ready for review.",
        )
    claim_move(
        actor=rafael,
        claim=deliveries,
        move="accept",
        note="Matches the accord text; second source agrees.",
    )
    # Four eyes (issue 14): rafael wrote this one, so the owner decides it.
    claim_move(actor=olga, claim=start, move="accept", note="Two sources; the blog is weak.")
    claim_move(
        actor=rafael,
        claim=rocket,
        move="reject",
        note="A single trader's opinion, not a claim worth tracking.",
    )
    claim_move(actor=olga, claim=historic, move="accept", note="Quoted verbatim.")
    claim_move(
        actor=olga,
        claim=historic,
        move="reopen",
        note="Check the translation before accepting again.",
    )
    build_agreement_demo(users=users)  # issue 15: a project with k = 2 and disagreements
    # price and payments stay submitted: the review queue has work in it.
    add_scraped_documents(project=project, actor=olga)
    release_cut(
        actor=olga,
        project=project,
        name="Accepted claims, first cut",
        description="Everything accepted after the first review round.",
    )
    build_jobs_demo(project=project, owner=olga)
    build_assign_demo(project=project, owner=olga)  # issue 14: assignments in every state
    build_discuss_demo(project=project, users=users)  # issue 14: comments, notifications
    build_dashboard_demo(project=project, users=users)  # issue 14: weeks of history
    return project
