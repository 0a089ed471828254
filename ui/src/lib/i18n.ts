// The studio's words in French (default on a French system) and English. `en` has the type of `fr`: a text missing
// in one language fails the type check. Sizes and counts are only formatted here; every rule stays in the core.
import type { ErrorCode, GateVerdict, PublishStepKind, Stage, Store } from "../bindings";
import type { ScreenId } from "./steps";

export type Lang = "fr" | "en";
export type { ErrorCode, PublishStepKind };

// The codes and steps that have a text: every error code and publication step the core can send (the generated
// unions), so a new one needs a text in both languages, and a text for a code that no longer exists fails too.
// (Were the bindings to send plain strings again: `keyof typeof frCodes` and `keyof typeof frSteps`.)
type HeadlineCode = ErrorCode;
type StepName = PublishStepKind;

/** A ring gate's figures, ready to word (rates already formatted). */
export type GateFacts = { ring: string; machines: number; finished: number; succeeded: number; rate: string; threshold: string };
type GateTexts = Record<GateVerdict, (g: GateFacts) => string>;

const frCodes = {
  windows_paths: "Des noms de fichiers ne pourront pas être décompressés sur les PC Windows.",
  insecure_http: "Adresse en http:// : le mot de passe circulerait en clair. Utilisez l'adresse https:// de la console.",
  launch_file_missing: "Le fichier à lancer n'est pas à la racine du dossier.",
  source: "Le dossier de l'application ne peut pas être empaqueté.",
  manifest: "Le manifeste (package.toml) ou un réglage est invalide.",
  exists: "Ce paquet existe déjà dans le dossier de sortie.",
  output: "Le dossier de sortie n'est pas accessible en écriture.",
  fragments: "La taille de fragment ne convient pas.",
  invalid_id: "L'identifiant du paquet est invalide.",
  cancelled: "Opération annulée : rien n'a été laissé à moitié.",
  login_refused: "La console refuse cet utilisateur ou ce mot de passe.",
  unreachable: "Le serveur ne répond pas à cette adresse.",
  tls: "La connexion HTTPS n'est pas sûre : certificat non reconnu.",
  not_a_console: "Aucune console OCS à cette adresse.",
  bad_url: "Adresse de console invalide.",
  no_password: "Aucun mot de passe enregistré pour ce serveur.",
  keyring: "Le trousseau du système ne répond pas.",
  forbidden: "Cet utilisateur n'a pas les droits de déploiement.",
  upload_too_large: "Paquet trop gros pour la limite d'envoi de la console : rien n'a été envoyé.",
  console_error: "La console a refusé l'opération.",
  console_unexpected: "Réponse inattendue de la console.",
  name_taken: "Un autre paquet porte déjà ce nom sur le serveur.",
  server_mismatch: "Le serveur ne contient pas ce qui a été envoyé : le paquet a été retiré.",
  not_served: "Les adresses de téléchargement ne servent pas le paquet : rien n'a été activé.",
  no_such_package: "Ce paquet n'existe pas (ou plus) sur le serveur.",
  not_activated: "Ce paquet n'est pas activé.",
  ring_gate: "L'anneau précédent n'a pas assez réussi : déploiement refusé.",
  priority_above_period: "Priorité supérieure à la période du serveur : les agents ne téléchargeraient jamais ce paquet (retiré du serveur).",
  refused: "Réglage refusé.",
  package: "Le paquet local est invalide : rien n'a été envoyé.",
  not_connected: "Connexion au serveur perdue.",
  script: "Le modèle d'install.bat ne peut pas être écrit avec ces valeurs.",
  texts: "La bibliothèque des textes de notification ne peut pas être lue ou écrite.",
  plan: "Le plan de découpage en fragments ne peut pas être calculé.",
  verify: "Le dossier du paquet ne peut pas être lu pour la vérification.",
  settings: "Les réglages du studio (serveurs enregistrés, textes) ne peuvent pas être écrits.",
  no_computers: "Aucun ordinateur ne correspond au filtre.",
  internal: "Erreur interne du studio.",
};

const frSteps = {
  verify: "Vérification hors ligne",
  "upload-limit": "Limite d'envoi",
  existing: "Nom sur le serveur",
  "fragment-setting": "Réglage des fragments",
  upload: "Envoi",
  "check-served": "Relecture de ce que sert le serveur",
  activate: "Activation",
  collision: "Identifiant pris entre-temps",
  replace: "Remplacement",
};

const fr = {
  subtitle: "Paquets de télédéploiement OCS Inventory NG",
  dropTitle: "Déposez le dossier de l'application ici",
  dropHint: "Le dossier doit contenir l'application décompressée et son install.bat à la racine.",
  choose: "Choisir un dossier…",
  analyzing: "Analyse du dossier…",
  folder: "Dossier",
  manifest: "Manifeste",
  noManifest: "aucun (valeurs par défaut de la procédure)",
  files: "fichiers",
  content: "Contenu",
  installers: "Installeurs",
  noInstaller: "aucun installeur reconnu",
  silent: "mode silencieux :",
  rootFiles: "À la racine",
  action: "Action",
  name: "Nom",
  version: "Version",
  priority: "Priorité",
  priorityHelp: "1 = déployé en premier, 9 = en dernier. La priorité 0 est refusée : elle bloque tous les autres paquets.",
  outDir: "Dossier de sortie",
  build: "Construire le paquet",
  keepBuild: "Les garder et construire quand même",
  cancel: "Annuler",
  stages: {
    scanning: "Lecture des fichiers",
    compressing: "Compression",
    fragmenting: "Découpage en fragments",
    verifying: "Vérification",
    checking: "Contrôle sur le serveur",
    uploading: "Envoi à la console",
    activating: "Activation",
    done: "Terminé",
  } satisfies Record<Stage, string>,
  built: "Paquet construit",
  id: "Identifiant",
  digest: "Empreinte",
  fragments: "Fragments",
  archive: "Archive",
  took: "Durée",
  verification: "Vérification hors ligne (comme l'agent)",
  verifyOk: "L'agent acceptera ce paquet : info valide, fragments complets, empreinte exacte, archive lisible.",
  fix: "Correction",
  error: "Erreur",
  another: "Autre dossier",
  warning: "Attention",
  language: "English",
  codes: frCodes satisfies Record<HeadlineCode, string>,
  details: "Détail",
  toPublish: "Publier sur un serveur OCS →",
  servers: "Serveurs OCS",
  noServer: "Aucun serveur enregistré : la construction fonctionne sans serveur.",
  openServer: "Ouvrir",
  forget: "Oublier",
  forgetHelp: "Retire ce serveur de la liste et son mot de passe du trousseau",
  newServer: "Autre serveur…",
  connectServer: "Se connecter à un serveur…",
  server: "Serveur OCS",
  serverUrl: "Adresse de la console",
  user: "Utilisateur",
  caFile: "Fichier de l'AC (cacert.pem)",
  caHelp: "Vide : magasin de certificats du système. Donnez le cacert.pem déployé sur les agents si le certificat est interne.",
  password: "Mot de passe",
  passwordHelp: "Vide : mot de passe enregistré dans le trousseau du système (ou OCS_STUDIO_PASSWORD).",
  remember: "Enregistrer le mot de passe dans le trousseau du système",
  connect: "Se connecter",
  connecting: "Connexion…",
  connected: "Connecté",
  passwordFrom: { environment: "mot de passe de OCS_STUDIO_PASSWORD", keyring: "mot de passe du trousseau", session_keyring: "mot de passe du trousseau de session" } satisfies Record<Store, string>,
  savedIn: "mot de passe enregistré dans le trousseau",
  publishTitle: "Publication",
  description: "Description",
  infoLoc: "Serveur HTTPS (fichier info)",
  fileLoc: "Serveur de fichiers (fragments)",
  locHelp: "hôte/chemin, sans https:// ni port. Vide : <hôte de la console>/download, comme dans la procédure. Le studio vérifie que ces adresses servent bien le paquet avant de l'activer.",
  fragTradeoff:
    "Fragments : les consoles 2.9 et suivantes découpent tous les paquets selon un seul réglage global (Configuration → Déploiement). Pour respecter la taille choisie, le studio met ce réglage à votre taille le temps de la publication (environ une seconde), puis remet l'ancienne valeur ; un paquet créé par quelqu'un d'autre dans cette seconde serait découpé pareil. Seules les tailles en Mio entiers sont possibles ; les coupures diffèrent de la construction locale mais le nombre de fragments et l'empreinte sont identiques (vérifiés après l'envoi). Les consoles 2.8 prennent le nombre de fragments paquet par paquet.",
  uploadCheck: "La limite d'envoi de la console (Debian : 100 Mio) est vérifiée avant l'envoi.",
  replace: "Remplacer le paquet du même nom s'il diffère (ses ordinateurs passent au nouveau, l'ancien est supprimé)",
  publish: "Publier et activer",
  published: "Publié et activé",
  alreadyPublished: "Déjà publié à l'identique sous cet identifiant : rien n'a été envoyé.",
  replaced: "Remplace le paquet",
  moved: "ordinateur(s) repris",
  serverId: "Identifiant sur le serveur",
  console: "Console",
  steps: frSteps satisfies Record<StepName, string>,
  toDeploy: "Déployer →",
  toResults: "Résultats →",
  deployTitle: "Déploiement",
  tagContains: "TAG contient",
  nameContains: "Nom contient",
  search: "Chercher",
  computersFound: "ordinateur(s) trouvé(s)",
  noComputer: "Aucun ordinateur ne correspond.",
  lastContact: "Dernier contact",
  ringRule: "Seulement si l'anneau précédent a assez réussi",
  after: "Anneau précédent (TAG contient)",
  minSuccess: "Réussite minimale (%)",
  checkRing: "Vérifier l'anneau",
  affect: "Affecter aux ordinateurs cochés",
  deployed: "ordinateur(s) affecté(s) ; déjà affectés :",
  resultsTitle: "Résultats",
  refresh: "Actualiser",
  succeeded: "réussis",
  failed: "en échec",
  pending: "en attente",
  machines: "Ordinateurs",
  deleteTitle: "Supprimer du serveur",
  confirmDelete: "Confirmer : désaffecter, désactiver et supprimer",
  deleted: "Paquet supprimé du serveur.",
  serverPackages: "Paquets du serveur",
  created: "Créé le",
  back: "← Retour",
  noResult: "Aucun ordinateur n'a encore ce paquet : affectez-le depuis l'écran Déploiement.",
  todo: "À faire",
  stepText: {
    nameFree: "nom libre",
    replaces: "remplace le paquet",
    assumed: "(valeur par défaut de Debian supposée)",
    sent: "envoyés ; la console a créé le paquet",
    sameInfo: "identique à l'info locale ; fragments conformes à l'empreinte",
    activation: "activation",
    moved: "ordinateur(s) repris de",
    alreadyThere: "déjà sur le serveur sous l'identifiant",
    idTaken: "identifiant pris par un autre envoi dans la même seconde ; nouvel envoi, la console a créé le paquet",
  },
  fragCut: (n: number, mib: number | null, changed: boolean): string =>
    mib == null
      ? `La console a découpé le paquet en ${n} fragment(s), comme construit.`
      : changed
        ? `La console découpe tous les paquets selon un réglage global : il a été mis à ${mib} Mio le temps de cette publication (${n} fragment(s), comme choisi), puis remis à sa valeur. Coupures différentes de la construction locale ; nombre de fragments et empreinte identiques.`
        : `Le réglage global de la console découpe déjà en ${mib} Mio : ${n} fragment(s), comme choisi. Coupures différentes de la construction locale ; nombre de fragments et empreinte identiques.`,
  gate: {
    not_deployed: (g) => `Aucun ordinateur de l'anneau ${g.ring} n'a le paquet : déployez d'abord sur cet anneau.`,
    none_finished: (g) => `Aucun des ${g.machines} ordinateur(s) de l'anneau ${g.ring} n'a encore terminé : attendez leurs résultats.`,
    below_threshold: (g) =>
      `Anneau ${g.ring} : ${g.succeeded} réussite(s) sur ${g.finished} ordinateur(s) ayant terminé (${g.rate} %), sous le seuil de ${g.threshold} % : corrigez d'abord les échecs.`,
    passed: (g) => `Anneau ${g.ring} : ${g.succeeded} réussite(s) sur ${g.finished} ordinateur(s) ayant terminé (${g.rate} %), seuil de ${g.threshold} % atteint.`,
  } satisfies GateTexts as GateTexts,
  // The window's frame: the steps' rail and the package's state.
  rail: {
    start: "Accueil",
    analysis: "Analyse",
    build: "Construction",
    publish: "Publication",
    deploy: "Déploiement",
    results: "Résultats",
    server: "Serveur OCS",
  } satisfies Record<ScreenId, string>,
  railLabel: "Étapes",
  languageTitle: "Language",
  packageState: "Paquet en cours",
  noFolder: "Aucun dossier ouvert",
  packageName: "Paquet",
  builtId: "Construit",
  notBuilt: "pas encore construit",
  publishedId: "Publié",
  notPublished: "pas encore publié",
  dropKeys: "Entrée ou Espace : choisir un dossier",
  building: "Construction de",
  selectComputer: "Affecter à",
};

export type Dict = typeof fr;
const en: Dict = {
  subtitle: "OCS Inventory NG deployment packages",
  dropTitle: "Drop the application folder here",
  dropHint: "The folder holds the unpacked application and its install.bat at the root.",
  choose: "Choose a folder…",
  analyzing: "Analysing the folder…",
  folder: "Folder",
  manifest: "Manifest",
  noManifest: "none (the procedure's defaults)",
  files: "files",
  content: "Content",
  installers: "Installers",
  noInstaller: "no installer recognised",
  silent: "silent:",
  rootFiles: "At the root",
  action: "Action",
  name: "Name",
  version: "Version",
  priority: "Priority",
  priorityHelp: "1 = deployed first, 9 = last. Priority 0 is refused: it blocks every other package.",
  outDir: "Output folder",
  build: "Build the package",
  keepBuild: "Keep them and build anyway",
  cancel: "Cancel",
  stages: {
    scanning: "Reading files",
    compressing: "Compressing",
    fragmenting: "Cutting fragments",
    verifying: "Verifying",
    checking: "Checking on the server",
    uploading: "Uploading to the console",
    activating: "Activating",
    done: "Done",
  },
  built: "Package built",
  id: "ID",
  digest: "Digest",
  fragments: "Fragments",
  archive: "Archive",
  took: "Time",
  verification: "Offline verification (as the agent does it)",
  verifyOk: "The agent will accept this package: valid info, all fragments, exact digest, readable archive.",
  fix: "Fix",
  error: "Error",
  another: "Another folder",
  warning: "Warning",
  language: "Français",
  codes: {
    windows_paths: "Some file names cannot be unzipped on the Windows PCs.",
    insecure_http: "An http:// address: the password would travel in clear. Use the console's https:// address.",
    launch_file_missing: "The file to launch is not at the root of the folder.",
    source: "The application folder cannot be packaged.",
    manifest: "The manifest (package.toml) or a setting is not valid.",
    exists: "This package already exists in the output folder.",
    output: "The output folder cannot be written.",
    fragments: "The fragment size does not fit.",
    invalid_id: "The package ID is not valid.",
    cancelled: "Cancelled: nothing was left half-done.",
    login_refused: "The console refuses this user or password.",
    unreachable: "The server does not answer at this address.",
    tls: "The HTTPS connection is not safe: certificate not trusted.",
    not_a_console: "No OCS console at this address.",
    bad_url: "Invalid console address.",
    no_password: "No password saved for this server.",
    keyring: "The system keyring does not answer.",
    forbidden: "This user has no deployment rights.",
    upload_too_large: "Package too large for the console's upload limit: nothing was sent.",
    console_error: "The console refused the operation.",
    console_unexpected: "Unexpected answer from the console.",
    name_taken: "Another package already has this name on the server.",
    server_mismatch: "The server does not hold what was sent: the package was removed.",
    not_served: "The download addresses do not serve the package: nothing was activated.",
    no_such_package: "This package does not exist (any more) on the server.",
    not_activated: "This package is not activated.",
    ring_gate: "The previous ring did not succeed enough: deployment refused.",
    priority_above_period: "Priority above the server's period: agents would never download this package (removed from the server).",
    refused: "Setting refused.",
    package: "The local package is not valid: nothing was sent.",
    not_connected: "The server connection was lost.",
    script: "The install.bat template cannot be written with these values.",
    texts: "The notification text library cannot be read or written.",
    plan: "The fragment plan cannot be computed.",
    verify: "The package folder cannot be read for verification.",
    settings: "The studio's settings (saved servers, texts) cannot be written.",
    no_computers: "No computer matches the filter.",
    internal: "An internal fault of the studio.",
  },
  details: "Details",
  toPublish: "Publish to an OCS server →",
  servers: "OCS servers",
  noServer: "No saved server: building works without one.",
  openServer: "Open",
  forget: "Forget",
  forgetHelp: "Removes this server from the list and its password from the keyring",
  newServer: "Another server…",
  connectServer: "Connect to a server…",
  server: "OCS server",
  serverUrl: "Console address",
  user: "User",
  caFile: "CA file (cacert.pem)",
  caHelp: "Empty: the system's trust store. Give the cacert.pem deployed to the agents if the certificate is internal.",
  password: "Password",
  passwordHelp: "Empty: the password saved in the system keyring (or OCS_STUDIO_PASSWORD).",
  remember: "Save the password in the system keyring",
  connect: "Connect",
  connecting: "Connecting…",
  connected: "Connected",
  passwordFrom: { environment: "password from OCS_STUDIO_PASSWORD", keyring: "password from the keyring", session_keyring: "password from the session keyring" },
  savedIn: "password saved in the keyring",
  publishTitle: "Publishing",
  description: "Description",
  infoLoc: "HTTPS server (info file)",
  fileLoc: "File server (fragments)",
  locHelp: "host/path, without https:// or a port. Empty: <console host>/download, as in the procedure. The studio checks these addresses serve the package before activating it.",
  fragTradeoff:
    "Fragments: consoles 2.9 and later cut every package by one global setting (Configuration → Deployment). To honour the size you chose, the studio sets it to your size for the time of the publication (about a second), then puts the old value back; a package someone else creates in that second would be cut the same way. Only whole MiB sizes are possible; the cut points differ from the local build but the fragment count and digest are the same (checked after sending). 2.8 consoles take the fragment count per package.",
  uploadCheck: "The console's upload limit (Debian: 100 MiB) is checked before sending.",
  replace: "Replace a different package of the same name (its computers move to the new one, the old one is deleted)",
  publish: "Publish and activate",
  published: "Published and activated",
  alreadyPublished: "Already published identically under this id: nothing was sent.",
  replaced: "Replaces package",
  moved: "computer(s) moved",
  serverId: "Id on the server",
  console: "Console",
  steps: {
    verify: "Offline verification",
    "upload-limit": "Upload limit",
    existing: "Name on the server",
    "fragment-setting": "Fragment setting",
    upload: "Upload",
    collision: "Id taken meanwhile",
    "check-served": "Read-back of what the server serves",
    activate: "Activation",
    replace: "Replacement",
  },
  toDeploy: "Deploy →",
  toResults: "Results →",
  deployTitle: "Deployment",
  tagContains: "TAG contains",
  nameContains: "Name contains",
  search: "Search",
  computersFound: "computer(s) found",
  noComputer: "No computer matches.",
  lastContact: "Last contact",
  ringRule: "Only if the previous ring succeeded well enough",
  after: "Previous ring (TAG contains)",
  minSuccess: "Minimum success (%)",
  checkRing: "Check the ring",
  affect: "Assign to the checked computers",
  deployed: "computer(s) assigned; already assigned:",
  resultsTitle: "Results",
  refresh: "Refresh",
  succeeded: "succeeded",
  failed: "failed",
  pending: "pending",
  machines: "Computers",
  deleteTitle: "Delete from the server",
  confirmDelete: "Confirm: unassign, deactivate and delete",
  deleted: "Package deleted from the server.",
  serverPackages: "Server packages",
  created: "Created",
  back: "← Back",
  noResult: "No computer has this package yet: assign it from the Deployment screen.",
  todo: "Fix",
  stepText: {
    nameFree: "name is free",
    replaces: "replaces package",
    assumed: "(Debian's default assumed)",
    sent: "sent; the console created package",
    sameInfo: "equals the local info; fragments match the digest",
    activation: "activation",
    moved: "computer(s) moved from",
    alreadyThere: "already on the server as",
    idTaken: "id taken by another upload in the same second; sent again, the console created package",
  },
  fragCut: (n: number, mib: number | null, changed: boolean): string =>
    mib == null
      ? `The console cut the package in ${n} fragment(s), as built.`
      : changed
        ? `The console cuts every package by one global setting: it was set to ${mib} MiB for this publication (${n} fragment(s), as chosen), then put back. Cut points differ from the local build; fragment count and digest are the same.`
        : `The console's global setting already cuts in ${mib} MiB: ${n} fragment(s), as chosen. Cut points differ from the local build; fragment count and digest are the same.`,
  gate: {
    not_deployed: (g) => `No computer of ring ${g.ring} has the package: deploy to that ring first.`,
    none_finished: (g) => `None of the ${g.machines} computer(s) of ring ${g.ring} has finished yet: wait for their results.`,
    below_threshold: (g) =>
      `Ring ${g.ring}: ${g.succeeded} success(es) among ${g.finished} finished computer(s) (${g.rate} %), below the ${g.threshold} % threshold: fix the failures first.`,
    passed: (g) => `Ring ${g.ring}: ${g.succeeded} success(es) among ${g.finished} finished computer(s) (${g.rate} %), the ${g.threshold} % threshold is met.`,
  },
  rail: {
    start: "Start",
    analysis: "Analysis",
    build: "Build",
    publish: "Publish",
    deploy: "Deploy",
    results: "Results",
    server: "OCS server",
  },
  railLabel: "Steps",
  languageTitle: "Langue",
  packageState: "Current package",
  noFolder: "No folder opened",
  packageName: "Package",
  builtId: "Built",
  notBuilt: "not built yet",
  publishedId: "Published",
  notPublished: "not published yet",
  dropKeys: "Enter or Space: choose a folder",
  building: "Building",
  selectComputer: "Assign to",
};

export const dictionaries: Record<Lang, Dict> = { fr, en };

/** French on a French system, English otherwise; `saved` (the admin's last choice) wins when it is a language. */
export function initialLang(saved: string | null | undefined, systemLanguage: string | undefined): Lang {
  if (saved === "fr" || saved === "en") return saved;
  return (systemLanguage || "fr").toLowerCase().startsWith("fr") ? "fr" : "en";
}

function lookup(table: object, key: string): string | undefined {
  return Object.hasOwn(table, key) ? (table as Record<string, string>)[key] : undefined;
}

/** An error's headline in the admin's language (the generic "Error" for a code without one). */
export function headline(t: Dict, code: ErrorCode): string {
  return lookup(t.codes, code) ?? t.error;
}

/** A publication step's name in the admin's language (the core's own name for an unknown one). */
export function stepName(t: Dict, step: PublishStepKind | string): string {
  return lookup(t.steps, step) ?? step;
}

/** "1 fragment", "3 fragments" (the same rule in both languages for these words). */
export function count(n: number | null | undefined, word: string): string {
  const v = n ?? 0;
  return `${v} ${v > 1 ? word : word.replace(/s$/, "")}`;
}

/** Sizes as the core prints them (binary units). */
export function formatSize(bytes: number | null | undefined, lang: Lang): string {
  const b = bytes ?? 0;
  const units = lang === "fr" ? ["o", "Kio", "Mio", "Gio"] : ["B", "KiB", "MiB", "GiB"];
  let v = b;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const n = i === 0 || v % 1 === 0 ? v.toFixed(0) : v.toFixed(1);
  return `${lang === "fr" ? n.replace(".", ",") : n} ${units[i]}`;
}
