// The studio's words in French (default on a French system) and English.
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
  cancel: "Annuler",
  stages: { scanning: "Lecture des fichiers", compressing: "Compression", fragmenting: "Découpage en fragments", verifying: "Vérification", done: "Terminé" } as Record<string, string>,
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
  codes: {
    launch_file_missing: "Le fichier à lancer n'est pas à la racine du dossier.",
    source: "Le dossier de l'application ne peut pas être empaqueté.",
    manifest: "Le manifeste (package.toml) ou un réglage est invalide.",
    exists: "Ce paquet existe déjà dans le dossier de sortie.",
    output: "Le dossier de sortie n'est pas accessible en écriture.",
    fragments: "La taille de fragment ne convient pas.",
    invalid_id: "L'identifiant du paquet est invalide.",
    cancelled: "Construction annulée : rien n'a été écrit.",
  } as Record<string, string>,
  details: "Détail",
};
type Dict = typeof fr;
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
  cancel: "Cancel",
  stages: { scanning: "Reading files", compressing: "Compressing", fragmenting: "Cutting fragments", verifying: "Verifying", done: "Done" },
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
    launch_file_missing: "The file to launch is not at the root of the folder.",
    source: "The application folder cannot be packaged.",
    manifest: "The manifest (package.toml) or a setting is not valid.",
    exists: "This package already exists in the output folder.",
    output: "The output folder cannot be written.",
    fragments: "The fragment size does not fit.",
    invalid_id: "The package ID is not valid.",
    cancelled: "Build cancelled: nothing was written.",
  },
  details: "Details",
};

let current: Dict = (navigator.language || "fr").toLowerCase().startsWith("fr") ? fr : en;
export const t = (): Dict => current;
export const lang = (): "fr" | "en" => (current === fr ? "fr" : "en");
export function toggleLanguage(): void {
  current = current === fr ? en : fr;
  document.documentElement.lang = lang();
}

/** Sizes as the core prints them (binary units). */
export function size(bytes: number | null | undefined): string {
  const b = bytes ?? 0;
  const units = lang() === "fr" ? ["o", "Kio", "Mio", "Gio"] : ["B", "KiB", "MiB", "GiB"];
  let v = b;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const n = i === 0 || v % 1 === 0 ? v.toFixed(0) : v.toFixed(1);
  return `${lang() === "fr" ? n.replace(".", ",") : n} ${units[i]}`;
}
