"""The words of the page set: French (the seed article and text beside it), German and English, by kind of page.

Templates take slots ({person}, {city}, {pct}...) that pageset.py fills from a seeded generator, so that the
passages people quote are each on one page only. Text is written with the typography the language prints (’ « » „ “
– — …); French spaces before : ; ! ? % and inside « » are plain here and become non-breaking where a site sets them
so (markup.french_spacing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness import SEED_ARTICLE

KINDS = ("news", "blog", "ministry", "statistics", "court")


@dataclass(frozen=True)
class Texts:
    """One language's words: slot values, the passages people quote, filler, and the words of a site's chrome."""

    language: str  # ISO 639-1
    persons: tuple[str, ...]
    roles: tuple[str, ...]
    orgs: tuple[str, ...]
    cities: tuple[str, ...]
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    quarters: tuple[str, ...]
    decimal: str  # the decimal separator
    thousands: str  # the thousands separator
    # Per kind: sentences built to be quoted (each filled is on one page only), and sentences around them.
    quotable: dict[str, tuple[str, ...]]
    filler: dict[str, tuple[str, ...]]
    # Sentences a page holds out of sight (a paywall, a correction draft, a modal), in a script or its metadata.
    hidden: tuple[str, ...]
    scripted: tuple[str, ...]
    comments: tuple[str, ...]
    commenters: tuple[str, ...]
    sites: dict[str, tuple[str, ...]]
    sections: tuple[str, ...]
    ui: dict[str, str]


def _seed_sentences() -> tuple[str, ...]:
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    # "ChatGPT(Nouvelle fenêtre)" is a link's label run into the text by the copy the seed was taken from.
    text = text.replace("(Nouvelle fenêtre)", "")
    sentences = (s.strip() for s in re.split(r"(?<=[.!?])\s+", text.replace("\n", " ")))
    return tuple(s for s in sentences if len(s) > 25)


FRENCH = Texts(
    language="fr",
    persons=(
        "Claire Dubois",
        "Marc Lefèvre",
        "Sophie Martin",
        "Julien Moreau",
        "Nadia Benali",
        "Thomas Girard",
        "Élodie Fauré",
        "Karim Haddad",
        "Anne-Sophie Roux",
        "Bruno Lemaître",
        "Inès Chevalier",
        "Yves Kerbrat",
    ),
    roles=(
        "porte-parole",
        "directrice de la communication",
        "ministre délégué au Numérique",
        "chercheuse au CNRS",
        "président de la commission des affaires économiques",
        "avocate spécialisée en propriété intellectuelle",
        "économiste",
    ),
    orgs=("OpenAI", "Deepseek", "Mistral AI", "Alibaba", "ByteDance", "Nvidia", "Microsoft", "Meta"),
    cities=("Paris", "Lyon", "Bordeaux", "Lille", "Marseille", "Strasbourg", "Nantes", "Rennes", "Toulouse"),
    weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    months=(
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    quarters=("premier", "deuxième", "troisième", "quatrième"),
    decimal=",",
    thousands="\u00a0",
    quotable={
        "news": (
            "« Nous n’avons jamais utilisé les données d’entraînement d’un concurrent », a assuré {person}, {role} "
            "chez {org}, {weekday} {day} {month} à {city}.",
            "Selon {person}, {role}, « la distillation est une technique classique que tout le monde utilise » – "
            "mais jamais à cette échelle.",
            "Le titre de {org} a perdu {pct} % en une seule séance, soit près de {amount} milliards d’euros de "
            "capitalisation évaporés…",
            "D’après nos informations, l’enquête ouverte à {city} porte sur {n} contrats signés entre {year} et "
            "{year2}.",
            "« C’est de bonne guerre de dénigrer un concurrent », ironise {person} ; « surtout quand il vous fait "
            "perdre {n} milliards en bourse ! »",
            "Interrogé {weekday}, {org} n’a pas souhaité commenter : « Nous ne répondons pas aux rumeurs », a "
            "indiqué son service de presse à {city}.",
        ),
        "blog": (
            "J’ai testé le modèle pendant {n} jours sur mon vieux portable : franchement, c’est bluffant… mais pas "
            "parfait.",
            "Petite parenthèse : si vous hébergez vous-même le modèle, comptez au moins {n} Go de mémoire – oui, "
            "vraiment.",
            "Ce que personne ne dit, c’est que l’« open source » de {org} s’arrête aux poids du modèle : les "
            "données restent secrètes depuis {year}.",
            "Mise à jour du {day} {month} : {person} m’a écrit pour préciser que la version {n} corrige le problème.",
        ),
        "ministry": (
            "Le ministre a annoncé une enveloppe de {amount} millions d’euros destinée aux entreprises de {city} "
            "touchées par la crise.",
            "Ce dispositif, prévu jusqu’au {day} {month} {year}, concerne près de {big} salariés du secteur numérique.",
            "« L’État sera au rendez-vous », a déclaré {person} lors de son déplacement à {city} le {day} {month}.",
            "Les dossiers de candidature doivent être déposés avant le {day} {month} {year} sur la plateforme "
            "dédiée ; aucun envoi papier ne sera accepté.",
        ),
        "statistics": (
            "Au {quarter} trimestre {year}, le taux de chômage au sens du BIT s’établit à {pct} % de la population "
            "active en France (hors Mayotte).",
            "Sur un an, les prix à la consommation augmentent de {pct} % en {month} {year}, après +{pct2} % le "
            "mois précédent.",
            "Source : Insee, enquête Emploi {year} – résultats provisoires portant sur {big} logements enquêtés.",
            "Le nombre de créations d’entreprises atteint {big} en {month} {year}, soit {pct} % de plus qu’un an "
            "auparavant.",
        ),
        "court": (
            "Considérant qu’il résulte de l’instruction que la société {org} n’a pas été mise à même de présenter "
            "ses observations avant le {day} {month} {year} ;",
            "Il y a lieu, dans les circonstances de l’espèce, de mettre à la charge de l’État la somme de {big} "
            "euros au titre de l’article L. 761-1 du code de justice administrative.",
            "Article 1er : La requête de {person}, enregistrée sous le n° {case} le {day} {month} {year}, est rejetée.",
            "Le moyen tiré de ce que la décision attaquée méconnaîtrait le principe d’égalité ne peut, dès lors, "
            "qu’être écarté (n° {case}).",
        ),
    },
    filler={
        "news": (
            *_seed_sentences(),
            "La rédaction de {site} a contacté {org}, qui n’a pas donné suite.",
            "Les marchés américains ont ouvert en baisse {weekday} matin, dans un climat de grande nervosité.",
            "À {city}, plusieurs start-up disent avoir déjà testé le modèle chinois sur leurs propres données.",
            "Les autorités de régulation européennes suivent le dossier de près, selon une source proche du dossier.",
        ),
        "blog": (
            *_seed_sentences()[:12],
            "Bon, je vous avoue que je n’avais pas prévu d’écrire là-dessus cette semaine.",
            "Comme d’habitude, les commentaires sont ouverts, et je réponds à tout le monde.",
            "J’ai mis le code de mes essais sur mon dépôt, avec les réglages que j’ai utilisés.",
            "Si vous avez un retour d’expérience différent, je suis preneur.",
        ),
        "ministry": (
            "Le Gouvernement est pleinement mobilisé pour accompagner les entreprises dans la transition numérique.",
            "Ces mesures s’inscrivent dans le cadre de la stratégie nationale pour l’intelligence artificielle.",
            "Un comité de suivi réunira chaque trimestre les représentants des filières concernées.",
            "Les collectivités territoriales seront associées à la mise en œuvre du dispositif.",
            "Une foire aux questions est disponible sur le site du ministère.",
        ),
        "statistics": (
            "Les données sont corrigées des variations saisonnières et des effets des jours ouvrables.",
            "Les résultats du trimestre précédent ont été légèrement révisés.",
            "Le halo autour du chômage concerne les personnes sans emploi qui souhaitent travailler.",
            "La prochaine publication aura lieu le mois prochain, à 8 h 45.",
            "Les intervalles de confiance sont donnés dans la documentation de l’enquête.",
        ),
        "court": (
            "Vu la procédure suivante :",
            "Vu les autres pièces du dossier ; vu le code de justice administrative.",
            "Après avoir entendu en séance publique le rapport de la rapporteure.",
            "Il ressort des pièces du dossier soumis aux juges du fond que la requérante exerce une activité de "
            "conseil.",
            "Les conclusions présentées au titre des frais exposés et non compris dans les dépens doivent être "
            "rejetées.",
        ),
    },
    hidden=(
        "La suite de cet article est réservée aux abonnés : {person} y détaille les {n} contrats signés à {city} "
        "en {year}.",
        "Rectificatif du {day} {month} : une version précédente attribuait à tort cette déclaration à {person}, "
        "{role}.",
        "Vous avez lu {n} articles ce mois-ci ; abonnez-vous pour soutenir la rédaction de {site} à {city}.",
        "Note interne : vérifier avec {person} le chiffre de {amount} millions avant la publication du {day} {month}.",
    ),
    scripted=(
        "{person} revient sur les accusations visant {org} et sur ce qu’elles changent pour les entreprises de {city}.",
        "Notre enquête : comment {org} a recruté {n} ingénieurs à {city} en moins d’un an",
        "Ce que l’on sait des {n} serveurs achetés par {org} à {city} au printemps {year}",
    ),
    comments=(
        "Encore une fois, on découvre que rien n’est gratuit.",
        "Article très intéressant, merci pour le travail de vérification.",
        "Je ne vois pas où est le problème : tout le monde copie tout le monde.",
        "Les sources ? On aimerait voir les documents dont vous parlez.",
        "Bravo à la rédaction pour ce suivi précis du dossier.",
        "Ça me rappelle l’affaire des puces il y a quelques années…",
    ),
    commenters=("Jean-Pierre75", "marie.l", "Citoyen_vigilant", "Paulo", "Sandrine B.", "Le Sceptique"),
    sites={
        "news": ("Le Quotidien numérique", "L’Écho du Rhône", "La Dépêche des Flandres"),
        "blog": ("Carnet de code", "Le blog de Marie"),
        "ministry": ("Ministère de l’Économie et du Numérique",),
        "statistics": ("Institut national des statistiques",),
        "court": ("Conseil d’État",),
    },
    sections=("International", "Économie", "Tech", "Sciences", "Politique", "Culture", "Société"),
    ui={
        "home": "Accueil",
        "skip": "Aller au contenu",
        "search": "Rechercher",
        "read_also": "À lire aussi",
        "most_read": "Les plus lus",
        "ad": "Publicité",
        "comments": "Commentaires",
        "react": "Réagir à cet article",
        "share": "Partager",
        "newsletter": "Recevez chaque matin l’essentiel de l’actualité dans votre boîte mail.",
        "subscribe": "S’abonner",
        "cookies": "Nous utilisons des cookies pour mesurer l’audience et vous proposer des contenus adaptés. "
        "Vous pouvez accepter ou refuser à tout moment.",
        "accept": "Tout accepter",
        "refuse": "Tout refuser",
        "legal": "Mentions légales",
        "privacy": "Politique de confidentialité",
        "sitemap": "Plan du site",
        "contact": "Contact",
        "rights": "Tous droits réservés.",
        "by": "Par",
        "published": "Publié le",
        "breadcrumb": "Vous êtes ici :",
        "press_release": "Communiqué de presse",
        "download": "Télécharger le communiqué (PDF, 245 Ko)",
        "press_contact": "Contact presse",
        "measures": "Les principales mesures",
        "table": "Tableau",
        "figure": "Graphique",
        "definitions": "Définitions",
        "decision": "Décision",
        "archives": "Archives du blog",
        "labels": "Libellés",
        "powered": "Fourni par Blogger.",
        "caption_photo": "Photo d’illustration",
        "javascript": "Activez JavaScript pour afficher ce billet.",
    },
)


GERMAN = Texts(
    language="de",
    persons=(
        "Katrin Müller",
        "Jörg Schäfer",
        "Anna Weiß",
        "Lukas Becker",
        "Sabine Groß",
        "Tobias Köhler",
        "Leonie Hoffmann",
        "Mehmet Yılmaz",
        "Friederike Brandt",
        "Stefan Jäger",
    ),
    roles=(
        "Sprecherin",
        "Staatssekretär im Digitalministerium",
        "Abteilungsleiterin",
        "Vorsitzender des Digitalausschusses",
        "Datenschutzbeauftragte",
        "Wirtschaftsweiser",
    ),
    orgs=("OpenAI", "Deepseek", "Aleph Alpha", "SAP", "Siemens", "Nvidia", "Microsoft", "Bitkom"),
    cities=("Berlin", "München", "Hamburg", "Köln", "Frankfurt am Main", "Leipzig", "Düsseldorf", "Stuttgart"),
    weekdays=("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    months=(
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    quarters=("ersten", "zweiten", "dritten", "vierten"),
    decimal=",",
    thousands=".",
    quotable={
        "news": (
            "„Wir haben zu keinem Zeitpunkt Trainingsdaten eines Konkurrenten verwendet“, sagte {person}, {role} "
            "bei {org}, am {weekday} in {city}.",
            "Nach Angaben von {person} ist die sogenannte Destillation „ein gängiges Verfahren, das alle nutzen“ – "
            "allerdings nie in diesem Umfang.",
            "Die Aktie von {org} verlor an einem einzigen Handelstag {pct} Prozent; rund {amount} Milliarden Euro "
            "Börsenwert lösten sich in Luft auf…",
            "Wie aus internen Unterlagen hervorgeht, prüft die Staatsanwaltschaft {city} insgesamt {n} Verträge aus "
            "den Jahren {year} bis {year2}.",
            "„Das ist ganz normaler Wettbewerb“, meint {person}. „Wer vorne liegt, wird eben angegriffen – "
            "seit {year} ist das so.“",
            "Auf Anfrage wollte sich {org} am {weekday} nicht äußern: Man kommentiere ‚Gerüchte‘ grundsätzlich "
            "nicht, hieß es aus {city}.",
        ),
        "blog": (
            "Ich habe das Modell {n} Tage lang auf meinem alten Laptop getestet – ehrlich gesagt: beeindruckend… "
            "aber nicht perfekt.",
            "Kleiner Hinweis am Rande: Wer das Modell selbst betreibt, braucht mindestens {n} GB Arbeitsspeicher, "
            "und zwar wirklich.",
            "Was niemand sagt: Das „Open Source“ von {org} endet bei den Modellgewichten, die Trainingsdaten "
            "bleiben seit {year} geheim.",
            "Nachtrag vom {day}. {month}: {person} hat mir geschrieben, dass Version {n} das Problem behebt.",
        ),
        "ministry": (
            "Die Bundesregierung stellt für Unternehmen in {city} zusätzliche Fördermittel in Höhe von {amount} "
            "Millionen Euro bereit.",
            "Das Förderprogramm läuft bis zum {day}. {month} {year} und richtet sich an rund {big} Beschäftigte der "
            "Digitalwirtschaft.",
            "„Der Staat lässt niemanden im Stich“, erklärte {person} beim Besuch in {city} am {day}. {month}.",
            "Anträge müssen bis zum {day}. {month} {year} über das Förderportal gestellt werden; Papieranträge "
            "werden nicht berücksichtigt.",
        ),
        "statistics": (
            "Im {quarter} Quartal {year} lag die Erwerbslosenquote nach dem Labour-Force-Konzept bei {pct} Prozent.",
            "Die Verbraucherpreise in Deutschland lagen im {month} {year} um {pct} % über dem Niveau des "
            "Vorjahresmonats.",
            "Quelle: Statistisches Landesamt, Mikrozensus {year} – vorläufige Ergebnisse, {big} befragte Haushalte.",
            "Die Zahl der Unternehmensgründungen stieg im {month} {year} auf {big}, das sind {pct} % mehr als im "
            "Vorjahresmonat.",
        ),
        "court": (
            "Die Verfassungsbeschwerde der Beschwerdeführerin vom {day}. {month} {year} wird nicht zur "
            "Entscheidung angenommen.",
            "Der Verhältnismäßigkeitsgrundsatz verlangt, dass die Datenverarbeitung durch {org} auf das unbedingt "
            "Erforderliche beschränkt bleibt (Az. {case}).",
            "Die Kosten des Verfahrens trägt die Klägerin; der Streitwert wird auf {big} Euro festgesetzt "
            "(Az. {case}).",
            "Die Auskunftsverpflichtung nach dem Informationsfreiheitsgesetz erstreckt sich auch auf "
            "Vertragsunterlagen aus dem Jahr {year}.",
        ),
    },
    filler={
        "news": (
            "Die chinesische Firma hinter Deepseek steht unter dem Verdacht, Wissen aus ChatGPT abgeschöpft zu haben.",
            "Bislang wurden keine Beweise vorgelegt, doch eine Untersuchung soll laufen.",
            "Deepseek veröffentlicht zwar seinen Quellcode, nicht aber seine Trainingsdaten.",
            "Die sogenannte Destillation nutzt ein größeres Modell, um ein kleineres schneller zu trainieren.",
            "Die Börsen reagierten am {weekday} nervös auf die Nachrichten aus China.",
            "In {city} testen bereits mehrere Start-ups das chinesische Modell mit eigenen Daten.",
            "Die Redaktion von {site} hat {org} um eine Stellungnahme gebeten.",
            "Europäische Aufsichtsbehörden verfolgen den Fall aufmerksam, heißt es aus Brüssel.",
            "Der Wettlauf um künstliche Intelligenz dürfte sich damit weiter beschleunigen.",
        ),
        "blog": (
            "Ehrlich gesagt hatte ich nicht vor, diese Woche darüber zu schreiben.",
            "Die Kommentare sind wie immer offen, und ich antworte auf alles.",
            "Den Code meiner Versuche habe ich in mein Repository gestellt, samt Einstellungen.",
            "Wer andere Erfahrungen gemacht hat, darf sich gern melden.",
            "Die sogenannte Destillation nutzt ein größeres Modell, um ein kleineres schneller zu trainieren.",
        ),
        "ministry": (
            "Die Bundesregierung unterstützt Unternehmen beim digitalen Wandel mit gezielten Maßnahmen.",
            "Die Maßnahmen sind Teil der nationalen Strategie für künstliche Intelligenz.",
            "Ein Begleitgremium wird vierteljährlich mit Vertreterinnen und Vertretern der Branchen tagen.",
            "Länder und Kommunen werden in die Umsetzung eingebunden.",
            "Häufig gestellte Fragen werden auf der Internetseite des Ministeriums beantwortet.",
        ),
        "statistics": (
            "Die Ergebnisse sind saison- und kalenderbereinigt.",
            "Die Werte des Vorquartals wurden geringfügig revidiert.",
            "Die nächste Veröffentlichung erfolgt im kommenden Monat um 8 Uhr.",
            "Konfidenzintervalle sind in der Methodendokumentation enthalten.",
            "Die Daten stammen aus einer repräsentativen Haushaltsbefragung.",
        ),
        "court": (
            "Die Beschwerdeführerin wendet sich gegen die Entscheidung des Oberverwaltungsgerichts.",
            "Die Voraussetzungen für die Annahme der Verfassungsbeschwerde liegen nicht vor.",
            "Von einer weiteren Begründung wird abgesehen.",
            "Diese Entscheidung ist unanfechtbar.",
            "Das Verwaltungsgericht hat die Klage mit Urteil abgewiesen.",
        ),
    },
    hidden=(
        "Den vollständigen Artikel lesen nur Abonnenten: {person} beschreibt darin {n} Verträge aus {city} von {year}.",
        "Korrektur vom {day}. {month}: In einer früheren Fassung wurde das Zitat fälschlich {person} zugeschrieben.",
        "Sie haben diesen Monat bereits {n} Artikel gelesen; unterstützen Sie {site} in {city} mit einem Abo.",
        "Interner Hinweis: Zahl von {amount} Millionen vor Veröffentlichung am {day}. {month} mit {person} prüfen.",
    ),
    scripted=(
        "{person} über die Vorwürfe gegen {org} und was sie für Unternehmen in {city} bedeuten.",
        "Unsere Recherche: Wie {org} in {city} binnen eines Jahres {n} Ingenieure anwarb",
        "Was über die {n} Server bekannt ist, die {org} im Frühjahr {year} in {city} kaufte",
    ),
    comments=(
        "Mal wieder zeigt sich: Nichts ist umsonst.",
        "Sehr interessanter Artikel, danke für die gründliche Recherche.",
        "Wo ist das Problem? Alle kopieren doch von allen.",
        "Quellen? Ich würde die Dokumente gern selbst sehen.",
        "Gute Arbeit der Redaktion, bitte dranbleiben.",
        "Erinnert mich an die Chip-Affäre vor ein paar Jahren…",
    ),
    commenters=("Bernd_K", "lisa.m", "Skeptiker42", "Helga", "Dr. Fuchs", "anonym"),
    sites={
        "news": ("Tagesblatt", "Rheinische Rundschau", "Hamburger Abendpost"),
        "blog": ("Technik-Notizen", "Lenas Datenblog"),
        "ministry": ("Bundesministerium für Digitales",),
        "statistics": ("Statistisches Landesamt",),
        "court": ("Verfassungsgericht",),
    },
    sections=("Politik", "Wirtschaft", "Digital", "Wissen", "Kultur", "Panorama", "Meinung"),
    ui={
        "home": "Startseite",
        "skip": "Zum Inhalt springen",
        "search": "Suche",
        "read_also": "Mehr zum Thema",
        "most_read": "Meistgelesen",
        "ad": "Anzeige",
        "comments": "Kommentare",
        "react": "Jetzt kommentieren",
        "share": "Teilen",
        "newsletter": "Jeden Morgen das Wichtigste des Tages in Ihrem Postfach.",
        "subscribe": "Abonnieren",
        "cookies": "Wir verwenden Cookies, um die Reichweite zu messen und Inhalte für Sie anzupassen. Sie können "
        "jederzeit zustimmen oder ablehnen.",
        "accept": "Alle akzeptieren",
        "refuse": "Ablehnen",
        "legal": "Impressum",
        "privacy": "Datenschutzerklärung",
        "sitemap": "Inhaltsübersicht",
        "contact": "Kontakt",
        "rights": "Alle Rechte vorbehalten.",
        "by": "Von",
        "published": "Veröffentlicht am",
        "breadcrumb": "Sie sind hier:",
        "press_release": "Pressemitteilung",
        "download": "Pressemitteilung herunterladen (PDF, 245 KB)",
        "press_contact": "Pressekontakt",
        "measures": "Die wichtigsten Maßnahmen",
        "table": "Tabelle",
        "figure": "Grafik",
        "definitions": "Begriffserläuterungen",
        "decision": "Beschluss",
        "archives": "Blog-Archiv",
        "labels": "Labels",
        "powered": "Powered by Blogger.",
        "caption_photo": "Symbolbild",
        "javascript": "Bitte aktivieren Sie JavaScript, um diesen Beitrag anzuzeigen.",
    },
)


ENGLISH = Texts(
    language="en",
    persons=(
        "Sarah O’Connor",
        "James Whitfield",
        "Priya Raman",
        "David Okafor",
        "Emily Hart",
        "Michael Chen",
        "Rachel Goldberg",
        "Tom Fielding",
        "Aisha Mensah",
        "Owen Price",
    ),
    roles=(
        "a spokeswoman",
        "the chief operating officer",
        "a senior analyst",
        "the minister for digital economy",
        "an intellectual property lawyer",
        "a research fellow",
    ),
    orgs=("OpenAI", "Deepseek", "Anthropic", "Alibaba", "ByteDance", "Nvidia", "Microsoft", "Meta"),
    cities=("London", "Manchester", "Leeds", "Glasgow", "Bristol", "Cardiff", "Birmingham", "Edinburgh"),
    weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    months=(
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    quarters=("first", "second", "third", "fourth"),
    decimal=".",
    thousands=",",
    quotable={
        "news": (
            "“We have never used a competitor’s training data,” said {person}, {role} at {org}, speaking in {city} "
            "on {weekday}.",
            "According to {person}, distillation is “a standard technique that everyone uses”—just never at this "
            "scale.",
            "Shares in {org} fell {pct}% in a single session, wiping out roughly ${amount}bn of market value…",
            "Documents seen by this newspaper show that prosecutors in {city} are examining {n} contracts signed "
            "between {year} and {year2}.",
            "“It’s fair game to knock a rival,” {person} said. “Especially when they’ve just cost you {n} billion "
            "on the stock market.”",
            "Asked for comment on {weekday}, {org} said it “does not respond to rumours”, according to its press "
            "office in {city}.",
        ),
        "blog": (
            "I’ve been running the model for {n} days on my old laptop and, honestly, it’s impressive… but it isn’t "
            "perfect.",
            "Quick aside: if you host the model yourself, you’ll need at least {n} GB of RAM—yes, really.",
            "What nobody tells you is that {org}’s “open source” label stops at the model’s weights; the training "
            "data has stayed secret since {year}.",
            "Update, {day} {month}: {person} wrote to tell me that version {n} fixes the problem.",
        ),
        "ministry": (
            "The Department will provide an additional £{amount} million to businesses in {city} affected by the "
            "downturn.",
            "The scheme runs until {day} {month} {year} and is expected to support around {big} workers in the "
            "digital sector.",
            "“Government will not walk away from these communities,” said {person} during a visit to {city} on "
            "{day} {month}.",
            "Applications must be submitted through the online portal by {day} {month} {year}; paper applications "
            "will not be accepted.",
        ),
        "statistics": (
            "The unemployment rate for people aged 16 years and over was estimated at {pct}% in the {quarter} "
            "quarter of {year}.",
            "The Consumer Prices Index rose by {pct}% in the 12 months to {month} {year}, down from {pct2}% in the "
            "previous month.",
            "Source: Labour Force Survey, {year} – provisional estimates based on {big} responding households.",
            "There were {big} new business registrations in {month} {year}, {pct}% more than a year earlier.",
        ),
        "court": (
            "The appellant’s case, as advanced by counsel on {day} {month} {year}, is that the tribunal erred in law.",
            "In my judgment, the respondent’s decision was neither “necessary” nor “proportionate” within the "
            "meaning of the Act (case {case}).",
            "For these reasons I would dismiss the appeal and order the claimant to pay costs of £{big} (case {case}).",
            "It is common ground that {org} was not given an opportunity to make representations before {day} "
            "{month} {year}.",
        ),
    },
    filler={
        "news": (
            "The Chinese start-up behind Deepseek has been accused of siphoning knowledge from ChatGPT.",
            "No evidence has been presented so far, but an investigation is said to be under way.",
            "Deepseek publishes its source code but has never released its training data.",
            "Distillation uses a larger model to train a smaller one quickly.",
            "US markets opened lower on {weekday} amid nervous trading.",
            "In {city}, several start-ups say they have already tested the Chinese model on their own data.",
            "{site} contacted {org}, which did not respond.",
            "European regulators are following the case closely, according to a source familiar with the matter.",
            "The race for artificial intelligence looks set to accelerate further.",
        ),
        "blog": (
            "I honestly hadn’t planned to write about this week.",
            "As usual, comments are open and I reply to everyone.",
            "I’ve pushed the code for my experiments to my repository, with the settings I used.",
            "If your experience has been different, I’d love to hear about it.",
            "Distillation uses a larger model to train a smaller one quickly.",
        ),
        "ministry": (
            "The government is committed to helping businesses through the digital transition.",
            "These measures form part of the national artificial intelligence strategy.",
            "A monitoring board will meet every quarter with representatives of the sectors concerned.",
            "Local authorities will be involved in delivering the scheme.",
            "Frequently asked questions are answered on the department’s website.",
        ),
        "statistics": (
            "Estimates are seasonally adjusted.",
            "Figures for the previous quarter have been revised slightly.",
            "The next release is scheduled for next month at 7am.",
            "Confidence intervals are given in the methodology guide.",
            "The data come from a representative household survey.",
        ),
        "court": (
            "The appellant challenges the decision of the Court of Appeal.",
            "Permission to appeal was granted on limited grounds.",
            "I am grateful to counsel for their clear and helpful submissions.",
            "It is unnecessary to decide the remaining grounds.",
            "The factual background is not in dispute.",
        ),
    },
    hidden=(
        "The rest of this article is for subscribers: {person} details {n} contracts signed in {city} in {year}.",
        "Correction, {day} {month}: an earlier version of this article wrongly attributed the quote to {person}.",
        "You have read {n} articles this month; subscribe to support {site} journalism in {city}.",
        "Internal note: check the £{amount} million figure with {person} before publication on {day} {month}.",
    ),
    scripted=(
        "{person} on the accusations against {org} and what they mean for businesses in {city}.",
        "Our investigation: how {org} hired {n} engineers in {city} in under a year",
        "What we know about the {n} servers {org} bought in {city} in the spring of {year}",
    ),
    comments=(
        "Once again, it turns out nothing is free.",
        "Really interesting piece, thanks for the careful reporting.",
        "I don’t see the problem: everyone copies everyone.",
        "Sources? I’d like to see the documents you mention.",
        "Well done to the newsroom for staying on this story.",
        "Reminds me of the chip affair a few years ago…",
    ),
    commenters=("NorthernLad", "j.smith", "Sceptical_Sue", "Bazza", "Dr Q", "anon"),
    sites={
        "news": ("The Daily Ledger", "Metro Herald", "The Northern Post"),
        "blog": ("Notes on Tech", "Ruth’s Data Diary"),
        "ministry": ("Department for Science and Digital",),
        "statistics": ("Office for Statistics",),
        "court": ("The Supreme Court",),
    },
    sections=("World", "Business", "Technology", "Science", "Politics", "Culture", "Opinion"),
    ui={
        "home": "Home",
        "skip": "Skip to main content",
        "search": "Search",
        "read_also": "Related stories",
        "most_read": "Most read",
        "ad": "Advertisement",
        "comments": "Comments",
        "react": "Join the discussion",
        "share": "Share",
        "newsletter": "Get the day’s essential news in your inbox every morning.",
        "subscribe": "Subscribe",
        "cookies": "We use cookies to measure our audience and tailor content for you. You can accept or refuse "
        "at any time.",
        "accept": "Accept all",
        "refuse": "Reject all",
        "legal": "Terms and conditions",
        "privacy": "Privacy notice",
        "sitemap": "Sitemap",
        "contact": "Contact us",
        "rights": "All rights reserved.",
        "by": "By",
        "published": "Published",
        "breadcrumb": "You are here:",
        "press_release": "Press release",
        "download": "Download the press release (PDF, 245 KB)",
        "press_contact": "Press office",
        "measures": "Key measures",
        "table": "Table",
        "figure": "Figure",
        "definitions": "Definitions",
        "decision": "Judgment",
        "archives": "Blog archive",
        "labels": "Labels",
        "powered": "Powered by Blogger.",
        "caption_photo": "Stock image",
        "javascript": "Please enable JavaScript to view this post.",
    },
)

LANGUAGES = {texts.language: texts for texts in (FRENCH, GERMAN, ENGLISH)}
