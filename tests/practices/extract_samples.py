"""Invented report text with the structure of real workshop reports.

Written for these tests (names, countries and measures are made up or
generic); the real report is read from ../shared/corpus in the *_report
tests. Each page starts with its inline number and ends with a printed
page number, as in web transcriptions.
"""

SAMPLE_REPORT = "\n\n".join(
    [
        "1 WORKSHOP REPORT ON LABOUR MOBILITY",
        "2 TABLE OF CONTENTS Introduction...3 Experiences...4",
        "3 INTRODUCTION The workshop brought together governments and civil society to exchange experiences. "
        "Many speakers said that cooperation should be strengthened. States shared good practices in areas such as "
        "mobile birth registration [Peru and Ghana] and remittance matching [Senegal]. 1",
        "4 EXPERIENCES Anna Berg (Director, Ministry of Labour, Norway) described how her Government had "
        "established a national helpline in 2015 that gives migrant workers advice on contracts and fair "
        "recruitment. The helpline answered 40,000 calls in its first year. The delegate from Ghana said that "
        "his country had signed a memorandum of understanding with Italy on seasonal work visas. Several "
        "speakers stressed that more data were needed. 2",
        "5 Speaking from the floor, the representative of Chile said that the Government should consider new "
        "approaches to integration. The Ecuadorean legislation adopted in 2016 granted free health care to all "
        "residents regardless of migration status. Local leaders also spoke: in Prato, the city council had "
        "opened language classes for newly arrived families. The Khartoum Process: established in 2014, the "
        "process brings together countries of origin, transit and destination to combat trafficking in "
        "persons. 3",
        "6 Kenya: the Government had launched a programme that matched remittances sent by the diaspora for "
        "community projects; and it had set up a return and reintegration centre for deported migrants. 4",
        "More information",
        "Agenda of the meeting",
        "Agenda of the meeting Day one: opening session, the Government had established a registration desk.",
        "More information",
    ]
)
