"""The conflict ontology (ckg) as an rdflib DefinedNamespace.

Generated from ontology/ckg.ttl by kg.rdf.ontology: do not edit by hand.
Regenerate with `python -m kg.rdf.ontology` after changing the ontology.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class CKG(DefinedNamespace):
    """Terms of https://w3id.org/conflict-kg/ontology#."""

    _fail = True

    # One line per term with its English rdfs:comment; kept as generated.
    # fmt: off

    # Classes
    Abduction: URIRef  # An abduction, kidnapping or forced disappearance ("enlèvement", "rapt", "otage").
    Actor: URIRef  # A person, group or institution that carries out, suffers, reports or denies an event.
    Airstrike: URIRef  # A strike by aircraft, helicopters or drones ("raid aérien", "frappe", "aviation").
    ArmedClash: URIRef  # Fighting between armed groups with no change of territorial control ("combats", "affrontements", "accrochages").
    Article: URIRef  # A news dispatch or article read as input; its dcterms:identifier is the input file's stem and its dcterms:date the publication date when known.
    AttackOnCivilians: URIRef  # A massacre, execution or deliberate killing of civilians ("massacre", "exécution", "tuer des civils").
    Battle: URIRef  # Event family: a violent interaction between two organised armed groups (ACLED "Battles").
    Bombing: URIRef  # A bomb attack or explosion of a device: car bomb, suicide bomber, explosive device ("attentat", "voiture piégée", "explosion").
    CasualtyCount: URIRef  # A number of dead as stated, with its qualifier (at least, more than, about) and the group affected.
    CasualtyReport: URIRef  # A toll reported for an area and a period rather than for one action ("au moins 122 personnes tuées mardi en Syrie").
    Ceasefire: URIRef  # A ceasefire, truce or agreement between belligerents ("cessez-le-feu", "trêve", "accord").
    ChemicalAttack: URIRef  # An attack with chemical weapons or toxic gas ("attaque chimique", "gaz").
    City: URIRef  # A city, town or village.
    Civilians: URIRef  # Civilians, non-combatants; the class IRI itself is also used as the ckg:casualtyGroup value for "civilians".
    CountQualifier: URIRef  # How precise a stated number is: exactly, at least, more than or about.
    Country: URIRef  # A country, e.g. Syria.
    DyadTally: URIRef  # How many events of one type one actor carried out against another in one place: UCDP's dyad (a derived fact, computed at build time).
    Evacuation: URIRef  # The evacuation of civilians, wounded or fighters from an area ("évacuation", "évacuer").
    Event: URIRef  # A conflict event reported by an article; every event has exactly one most specific type.
    EventTally: URIRef  # How many events of one type a place had in one month (a derived fact, computed at build time).
    ForeignState: URIRef  # A foreign state or its forces, e.g. Russia, Turkey or the international coalition.
    GovernmentBody: URIRef  # A civilian body of a government: ministry, presidency, governorate.
    JihadistGroup: URIRef  # A jihadist armed group, e.g. the Islamic State or the al-Nusra Front.
    MediaOutlet: URIRef  # A news agency, newspaper, television or radio, e.g. AFP or the official agency SANA.
    Militia: URIRef  # A non-state armed group not fighting the state, including foreign ones (e.g. Hezbollah).
    Neighbourhood: URIRef  # A district, quarter or camp within a city.
    Offensive: URIRef  # An offensive or assault launched by an armed actor ("lancer une offensive", "avancer", "progresser").
    Organization: URIRef  # A non-governmental, intergovernmental or political organization, e.g. the SOHR or the UN.
    Person: URIRef  # A named person; their group is given by ckg:affiliatedWith.
    Place: URIRef  # A named place where events happen, with geo:lat, geo:long and ckg:geonamesId where known.
    PrisonerRelease: URIRef  # The release or exchange of prisoners, detainees or hostages ("libérer des prisonniers").
    RebelGroup: URIRef  # A non-state armed group fighting the government, other than jihadist groups.
    Region: URIRef  # A governorate, province or area such as the Ghouta.
    Reinforcement: URIRef  # The sending of reinforcements or deployment of troops ("renforts", "déployer").
    RemoteViolence: URIRef  # Event family: violence at a distance or by explosives, which takes away the target's ability to respond (ACLED "Explosions/Remote violence").
    Shelling: URIRef  # Fire by artillery, shells, mortars, rockets or missiles ("bombardement", "obus", "roquette").
    Siege: URIRef  # A siege, encirclement or blockade of a place ("siège", "assiégé", "encerclé").
    Site: URIRef  # A point-like place: prison, mosque, street, military base, bridge, airport.
    StateForce: URIRef  # A state's army, security forces or police (here mostly the Syrian state's).
    StrategicDevelopment: URIRef  # Event family: an important development that is not itself violence (siege, withdrawal, truce, evacuation…) (ACLED "Strategic developments").
    Tally: URIRef  # A number of events (ckg:eventCount) of one type, computed at build time (a derived fact).
    TerritoryCapture: URIRef  # The capture or recapture by force of a place or area ("prendre", "s'emparer", "reprendre", "tomber aux mains de").
    ViolenceAgainstCivilians: URIRef  # Event family: deliberate violence by an armed group against unarmed non-combatants (ACLED "Violence against civilians").
    Withdrawal: URIRef  # A withdrawal or retreat of forces from an area ("retrait", "se replier", "fuir").

    # Object properties
    affiliatedWith: URIRef  # The group, force or institution an actor (mostly a person) belongs to.
    agent: URIRef  # The actor who carries out the event.
    casualtyGroup: URIRef  # Who the dead are: an actor, or the class IRI ckg:Civilians for civilians (hence no rdfs:range).
    countQualifier: URIRef  # How precise the figure is: ckg:Exactly, ckg:AtLeast, ckg:MoreThan or ckg:Approximately.
    denotedBy: URIRef  # A text mention (a nif:Phrase with its character offsets) that denotes an actor, place or event, as gaf:denotedBy in NewsReader.
    disputedBy: URIRef  # An actor that denies the event ("le ministère … a démenti").
    eventType: URIRef  # The most specific type of an event (a derived fact).
    fatalities: URIRef  # A count of the event's dead, as reported.
    locatedIn: URIRef  # A place that contains this one (transitive): a neighbourhood is in its city, the city in its region or country.
    mentionedIn: URIRef  # An article an actor, place or event was extracted from (a shortcut for SPARQL).
    place: URIRef  # The most specific place where the text locates the event.
    publishedBy: URIRef  # The agency or outlet that the text names as the dispatch's source (AFP, ATS, Reuters…).
    reportedBy: URIRef  # The original source the article attributes the report to ("selon l'OSDH", "a indiqué la télévision officielle"), not the agency that relays it.
    tallyAgent: URIRef  # The actor that carried out the events a dyad tally counts (their ckg:agent; a derived fact).
    tallyFamily: URIRef  # The family (Battle, RemoteViolence…) of the type a tally counts (a derived fact).
    tallyPlace: URIRef  # The place of the events a tally counts (absent for events without a place; a derived fact).
    tallyTarget: URIRef  # The actor the events a dyad tally counts were aimed at (their ckg:target, other than the agent; a derived fact).
    tallyType: URIRef  # The event type a tally counts (a derived fact).
    target: URIRef  # The actor against whom the event is directed.
    within: URIRef  # The place is this one or lies inside it: the reflexive, transitive closure of ckg:locatedIn (a derived fact).

    # Datatype properties
    articleCount: URIRef  # The number of articles that name an actor, or that tell an event (a derived fact).
    confidence: URIRef  # The extractor's confidence, a decimal between 0 and 1.
    count: URIRef  # The figure as stated in the text (a non-negative integer).
    date: URIRef  # When the event happened, at the precision the text supports (xsd:date, xsd:gYearMonth or xsd:gYear), resolved against the publication date; absent when it cannot be resolved.
    endDate: URIRef  # The end of a stated span ("jusqu'au 3 mai").
    entityCount: URIRef  # The number of actors and places an article names (a derived fact).
    eventCount: URIRef  # The number of distinct events of a tally, a place, an actor (any role) or an article (a derived fact).
    evidence: URIRef  # The sentence of the article that supports the extraction.
    geonamesId: URIRef  # The place's GeoNames id as a string of digits; the place also carries owl:sameAs <https://sws.geonames.org/ID/>.
    mentionCount: URIRef  # The number of distinct text mentions of an actor (a derived fact).
    month: URIRef  # The month of the events a tally counts: "2016-03", "2016" for a year-only date, "undated" (a derived fact).
    pageRank: URIRef  # The node's PageRank in the network of actors and places, computed by kg and written back to the graph.
    sentence: URIRef  # The sentence of the article that an event's mention lies in (a derived fact).
    sourceCount: URIRef  # The number of distinct sources (ckg:reportedBy) of an event that has any (a derived fact).
    startDate: URIRef  # The start of a stated span ("depuis le 19 avril").
    when: URIRef  # An event's date, or else its start date (a derived fact).

    # Annotation properties
    acledEventType: URIRef  # The ACLED event type of a ckg event family (a literal).
    acledSubEventType: URIRef  # The ACLED sub-event type closest to a ckg event type (a literal).
    ploverCode: URIRef  # The PLOVER category and mode closest to a ckg event type, written "CATEGORY: mode" (a literal).

    # Individuals
    Approximately: URIRef  # The number is an approximation ("une dizaine", "environ 12 morts").
    AtLeast: URIRef  # The number is a lower bound ("au moins 12 morts").
    Exactly: URIRef  # The number is given as is ("12 morts").
    MoreThan: URIRef  # The real number exceeds the stated one ("plus de 12 morts").
    # fmt: on

    _NS = Namespace("https://w3id.org/conflict-kg/ontology#")
