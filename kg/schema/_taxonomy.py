"""The event taxonomy and entity classes of the conflict ontology, as plain data.

Generated from ontology/ckg.ttl by kg.rdf.ontology: do not edit by hand.
Regenerate with `python -m kg.rdf.ontology` after changing the ontology.
"""

# fmt: off
#: Actor classes (subclasses of ckg:Actor).
ACTOR_CLASSES: tuple[str, ...] = ('StateForce', 'RebelGroup', 'JihadistGroup', 'Militia', 'ForeignState', 'Civilians', 'GovernmentBody', 'Organization', 'MediaOutlet', 'Person')
#: Place classes (subclasses of ckg:Place), from the largest to the smallest.
PLACE_CLASSES: tuple[str, ...] = ('Country', 'Region', 'City', 'Neighbourhood', 'Site')
#: Event families (subclasses of ckg:Event); a family without subclasses is also a type.
EVENT_FAMILIES: tuple[str, ...] = ('Battle', 'RemoteViolence', 'ViolenceAgainstCivilians', 'StrategicDevelopment', 'CasualtyReport')
#: Concrete event types, family by family.
EVENT_TYPES: tuple[str, ...] = ('Offensive', 'ArmedClash', 'TerritoryCapture', 'Airstrike', 'Shelling', 'Bombing', 'ChemicalAttack', 'AttackOnCivilians', 'Abduction', 'Siege', 'Withdrawal', 'Reinforcement', 'PrisonerRelease', 'Ceasefire', 'Evacuation', 'CasualtyReport')
#: Event type -> its family.
FAMILY: dict[str, str] = {
    'Offensive': 'Battle',
    'ArmedClash': 'Battle',
    'TerritoryCapture': 'Battle',
    'Airstrike': 'RemoteViolence',
    'Shelling': 'RemoteViolence',
    'Bombing': 'RemoteViolence',
    'ChemicalAttack': 'RemoteViolence',
    'AttackOnCivilians': 'ViolenceAgainstCivilians',
    'Abduction': 'ViolenceAgainstCivilians',
    'Siege': 'StrategicDevelopment',
    'Withdrawal': 'StrategicDevelopment',
    'Reinforcement': 'StrategicDevelopment',
    'PrisonerRelease': 'StrategicDevelopment',
    'Ceasefire': 'StrategicDevelopment',
    'Evacuation': 'StrategicDevelopment',
    'CasualtyReport': 'CasualtyReport',
}
#: Event type -> ACLED event type (ckg:acledEventType of its family; '' if none).
ACLED_EVENT_TYPE: dict[str, str] = {
    'Offensive': 'Battles',
    'ArmedClash': 'Battles',
    'TerritoryCapture': 'Battles',
    'Airstrike': 'Explosions/Remote violence',
    'Shelling': 'Explosions/Remote violence',
    'Bombing': 'Explosions/Remote violence',
    'ChemicalAttack': 'Explosions/Remote violence',
    'AttackOnCivilians': 'Violence against civilians',
    'Abduction': 'Violence against civilians',
    'Siege': 'Strategic developments',
    'Withdrawal': 'Strategic developments',
    'Reinforcement': 'Strategic developments',
    'PrisonerRelease': 'Strategic developments',
    'Ceasefire': 'Strategic developments',
    'Evacuation': 'Strategic developments',
    'CasualtyReport': '',
}
#: Event type -> closest ACLED sub-event type (ckg:acledSubEventType; '' if none).
ACLED_SUB_EVENT_TYPE: dict[str, str] = {
    'Offensive': 'Armed clash',
    'ArmedClash': 'Armed clash',
    'TerritoryCapture': 'Non-state actor overtakes territory',
    'Airstrike': 'Air/drone strike',
    'Shelling': 'Shelling/artillery/missile attack',
    'Bombing': 'Remote explosive/landmine/IED',
    'ChemicalAttack': 'Chemical weapon',
    'AttackOnCivilians': 'Attack',
    'Abduction': 'Abduction/forced disappearance',
    'Siege': 'Other',
    'Withdrawal': 'Non-violent transfer of territory',
    'Reinforcement': 'Change to group/activity',
    'PrisonerRelease': 'Agreement',
    'Ceasefire': 'Agreement',
    'Evacuation': 'Agreement',
    'CasualtyReport': '',
}
#: Event type -> closest PLOVER 'CATEGORY: mode' (ckg:ploverCode; '' if none).
PLOVER_CODE: dict[str, str] = {
    'Offensive': 'ASSAULT',
    'ArmedClash': 'ASSAULT: sideAB',
    'TerritoryCapture': 'COERCE: confiscate',
    'Airstrike': 'ASSAULT: heavy-weapons',
    'Shelling': 'ASSAULT: heavy-weapons',
    'Bombing': 'ASSAULT: explosives',
    'ChemicalAttack': 'ASSAULT: unconventional',
    'AttackOnCivilians': 'ASSAULT: massacre',
    'Abduction': 'ASSAULT: abduct',
    'Siege': 'COERCE: restrict',
    'Withdrawal': 'RETREAT: withdraw',
    'Reinforcement': 'MOBILIZE: troops',
    'PrisonerRelease': 'RETREAT: release',
    'Ceasefire': 'RETREAT: ceasefire',
    'Evacuation': 'RETREAT: withdraw',
    'CasualtyReport': '',
}
# fmt: on
