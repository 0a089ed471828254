//! Every state a package can have on a computer (the console's `devices.TVALUE`), in plain French and English:
//! what it means and what to do about it. One table, used by the CLI, the app and the ring gate.

/// How a state counts for the rollout.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Installed (or already there).
    Success,
    /// Finished, and not installed.
    Failure,
    /// Not finished yet: waiting for the computer, or in progress.
    Pending,
}

/// A state in the admin's words.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    pub code: String,
    pub outcome: Outcome,
    pub meaning_en: String,
    pub fix_en: String,
    pub meaning_fr: String,
    pub fix_fr: String,
}

/// (code, outcome, meaning EN, fix EN, meaning FR, fix FR). `fix` is empty when there is nothing to do.
const TABLE: &[(&str, Outcome, &str, &str, &str, &str)] = &[
    ("WAITING", Outcome::Pending,
     "Assigned; the computer has not contacted the server since.",
     "Wait for the agent's next contact (or run it by hand on the PC). If it lasts, check the agent runs and reaches the server.",
     "Affecté ; l'ordinateur n'a pas encore contacté le serveur depuis.",
     "Attendre le prochain contact de l'agent (ou le lancer à la main sur le PC). Si cela dure, vérifier que l'agent tourne et joint le serveur."),
    ("NOTIFIED", Outcome::Pending,
     "The server told the agent about the package; download or installation is in progress.",
     "Wait. If it stays for hours: the agent could not fetch the info file or a fragment (HTTPS certificate, URL, fragment missing on the server).",
     "Le serveur a signalé le paquet à l'agent ; téléchargement ou installation en cours.",
     "Attendre. Si cela dure des heures : l'agent n'arrive pas à télécharger le fichier info ou un fragment (certificat HTTPS, URL, fragment absent du serveur)."),
    ("SUCCESS", Outcome::Success,
     "Installed: the command ended with exit code 0 (or the files were stored).",
     "",
     "Installé : la commande s'est terminée avec le code 0 (ou les fichiers ont été déposés).",
     ""),
    ("SUCCESS_REBOOT_INITIATED", Outcome::Success,
     "Installed; the installer restarted the computer (exit code 1641).",
     "",
     "Installé ; l'installeur a redémarré l'ordinateur (code 1641).",
     ""),
    ("SUCCESS_REBOOT_REQUIRED", Outcome::Success,
     "Installed; a restart is needed to finish (exit code 3010).",
     "Plan a restart of the computer.",
     "Installé ; un redémarrage est nécessaire pour terminer (code 3010).",
     "Prévoir un redémarrage de l'ordinateur."),
    ("SUCCESS_RESTART_REQUIRED", Outcome::Success,
     "Installed; the application must be restarted (exit code 3011).",
     "Ask the user to restart the application.",
     "Installé ; l'application doit être relancée (code 3011).",
     "Demander à l'utilisateur de relancer l'application."),
    ("SUCCESS_ALREADY_SETUP", Outcome::Success,
     "The agent had already installed this package (it is in its history): nothing was done.",
     "To install again, publish a new version of the package.",
     "L'agent avait déjà installé ce paquet (il est dans son historique) : rien n'a été fait.",
     "Pour réinstaller, publier une nouvelle version du paquet."),
    ("SUCCESS_ALREADY_IN_HISTORY", Outcome::Success,
     "The computer's inventory says this package was already installed: the server did not send it again.",
     "To install again, publish a new version of the package.",
     "L'inventaire de l'ordinateur indique que ce paquet est déjà installé : le serveur ne l'a pas renvoyé.",
     "Pour réinstaller, publier une nouvelle version du paquet."),
    ("ERR_BAD_ID", Outcome::Failure,
     "The info file's ID differs from its folder name on the server.",
     "Republish the package with the studio; never rename package folders by hand.",
     "L'ID du fichier info diffère du nom de son dossier sur le serveur.",
     "Republier le paquet avec le studio ; ne jamais renommer les dossiers de paquets à la main."),
    ("ERR_DOWNLOAD_INFO", Outcome::Failure,
     "The agent could not download the info file over HTTPS.",
     "Check the HTTPS address of the activation, the server certificate and the agent's cacert.pem (its CA must have signed the certificate, for this host name).",
     "L'agent n'a pas pu télécharger le fichier info en HTTPS.",
     "Vérifier l'adresse HTTPS de l'activation, le certificat du serveur et le cacert.pem de l'agent (son AC doit avoir signé le certificat, pour ce nom d'hôte)."),
    ("ERR_DOWNLOAD_PACK", Outcome::Failure,
     "A fragment could not be downloaded.",
     "Check the file server address and that every fragment is on the server (and on the relays).",
     "Un fragment n'a pas pu être téléchargé.",
     "Vérifier l'adresse du serveur de fichiers et que tous les fragments sont sur le serveur (et les relais)."),
    ("ERR_BAD_DIGEST", Outcome::Failure,
     "The downloaded fragments do not match the package's digest (fragments changed, truncated, or replaced by a proxy page).",
     "Republish the package with the studio (it checks the digest before and after publishing); check no proxy alters the downloads.",
     "Les fragments téléchargés ne correspondent pas à l'empreinte du paquet (fragments modifiés, tronqués ou remplacés par une page de proxy).",
     "Republier le paquet avec le studio (il vérifie l'empreinte avant et après publication) ; vérifier qu'aucun proxy ne modifie les téléchargements."),
    ("ERR_OUT_OF_SPACE", Outcome::Failure,
     "Not enough free disk space: the Windows agent needs 3 times the package size on its drive.",
     "Free disk space on the PC (see the studio's footprint screen for the amount), or make the package smaller.",
     "Pas assez d'espace disque : l'agent Windows exige 3 fois la taille du paquet sur son disque.",
     "Libérer de l'espace sur le PC (l'écran d'empreinte du studio donne la quantité), ou alléger le paquet."),
    ("ERR_BUILD", Outcome::Failure,
     "The agent could not reassemble or open the archive (a fragment missing, or not an archive it can extract).",
     "Republish; for Linux agents check tar and unzip are installed.",
     "L'agent n'a pas pu reconstituer ou ouvrir l'archive (fragment manquant, ou archive qu'il ne sait pas extraire).",
     "Republier ; pour les agents Linux, vérifier que tar et unzip sont installés."),
    ("ERR_UNZIP", Outcome::Failure,
     "The Windows agent could not unzip the package (not a zip, or the target folder is not writable).",
     "Build the package for Windows (zip) with the studio; for STORE, check the target folder can be created.",
     "L'agent Windows n'a pas pu décompresser le paquet (pas un zip, ou dossier cible non inscriptible).",
     "Construire le paquet pour Windows (zip) avec le studio ; pour STORE, vérifier que le dossier cible peut être créé."),
    ("ERR_EXECUTE", Outcome::Failure,
     "The command could not run or failed: on Windows it could not be started (file not found); the Linux agent also reports a non-zero exit code this way.",
     "Check the command names a file at the root of the package (install.bat at the root, not in a subfolder), then run it by hand on a test PC.",
     "La commande n'a pas pu s'exécuter ou a échoué : sous Windows elle n'a pas pu démarrer (fichier introuvable) ; l'agent Linux signale aussi ainsi un code de sortie non nul.",
     "Vérifier que la commande désigne un fichier à la racine du paquet (install.bat à la racine, pas dans un sous-dossier), puis la lancer à la main sur un PC de test."),
    ("ERR_EXECUTE_NO_EXIT_CODE", Outcome::Failure,
     "The command started but its exit code could not be read.",
     "Run the command by hand on a test PC; wrap it in install.bat ending with exit /b %ERRORLEVEL%.",
     "La commande a démarré mais son code de sortie n'a pas pu être lu.",
     "Lancer la commande à la main sur un PC de test ; l'envelopper dans install.bat terminé par exit /b %ERRORLEVEL%."),
    ("ERR_EXECUTE_TIMEOUT", Outcome::Failure,
     "The command was still running after the server's execution timeout (120 minutes by default): usually an installer waiting for a click.",
     "Use silent switches (msiexec /passive or /qn, /S…); test them by hand first.",
     "La commande tournait encore après le délai d'exécution du serveur (120 minutes par défaut) : en général un installeur qui attend un clic.",
     "Utiliser les options silencieuses (msiexec /passive ou /qn, /S…) ; les tester d'abord à la main."),
    ("ERR_EXECUTE_TOO_MANY_TRY", Outcome::Failure,
     "The agent tried to run the command more than 5 times (the installer restarts the PC or kills the agent each time).",
     "Add /norestart to msiexec and let the restart happen later.",
     "L'agent a tenté la commande plus de 5 fois (l'installeur redémarre le PC ou tue l'agent à chaque fois).",
     "Ajouter /norestart à msiexec et laisser le redémarrage se faire plus tard."),
    ("ERR_ABORTED", Outcome::Failure,
     "The user pressed Cancel in the notification.",
     "Let the user delay instead of cancel (can abort: NO, can delay: YES, as the procedure says), or talk to the user.",
     "L'utilisateur a cliqué sur Annuler dans la notification.",
     "Permettre de différer plutôt qu'annuler (annulation : NON, report : OUI, comme le veut la procédure), ou voir avec l'utilisateur."),
    ("ERR_TIMEOUT", Outcome::Failure,
     "The package could not be finished within the server's download timeout (days).",
     "Check the PC is on long enough and reaches the file server; use larger fragments for big packages.",
     "Le paquet n'a pas pu être terminé dans le délai de téléchargement du serveur (en jours).",
     "Vérifier que le PC est allumé assez longtemps et joint le serveur de fichiers ; des fragments plus gros pour les gros paquets."),
    ("ERR_BAD_PARAM", Outcome::Failure,
     "The info file lacks the command, file or path its action needs.",
     "Republish the package with the studio (it refuses an empty command).",
     "Il manque dans le fichier info la commande, le fichier ou le chemin que son action demande.",
     "Republier le paquet avec le studio (il refuse une commande vide)."),
    ("ERR_DONE_FAILED", Outcome::Failure,
     "The agent could not read its own result file.",
     "Check the agent's data folder is writable; reinstall the agent if it persists.",
     "L'agent n'a pas pu relire son propre fichier de résultat.",
     "Vérifier que le dossier de données de l'agent est inscriptible ; réinstaller l'agent si cela persiste."),
    ("ERR_CLEAN", Outcome::Failure,
     "The Linux agent could not remove the package's working folder (the installation itself may have worked).",
     "Check the permissions of the agent's download folder.",
     "L'agent Linux n'a pas pu supprimer le dossier de travail du paquet (l'installation elle-même a pu réussir).",
     "Vérifier les droits du dossier de téléchargement de l'agent."),
    ("UNKNOWN_CODE", Outcome::Failure,
     "The agent reported a result without a code.",
     "Look at the agent's log on the PC.",
     "L'agent a renvoyé un résultat sans code.",
     "Consulter le journal de l'agent sur le PC."),
];

/// Well-known Windows exit codes behind `EXIT_CODE_<n>`.
fn exit_code_hint(n: i64) -> (&'static str, &'static str) {
    match n {
        1 => ("usually a batch error or a wrong file name in the command", "souvent une erreur du script batch ou un mauvais nom de fichier dans la commande"),
        2 | 3 => ("a file or path was not found", "un fichier ou un chemin est introuvable"),
        5 => ("access denied", "accès refusé"),
        1602 => ("the user cancelled the installation", "l'utilisateur a annulé l'installation"),
        1603 => ("fatal error during the MSI installation (see the MSI log: add /l*v to msiexec)", "erreur fatale pendant l'installation MSI (voir le journal MSI : ajouter /l*v à msiexec)"),
        1618 => ("another installation was already in progress", "une autre installation était déjà en cours"),
        1619 => ("the MSI package was not found (is the .msi at the package root?)", "le paquet MSI est introuvable (le .msi est-il à la racine du paquet ?)"),
        1620 => ("the MSI package could not be opened (corrupt or wrong file)", "le paquet MSI n'a pas pu être ouvert (corrompu ou mauvais fichier)"),
        1625 => ("the installation is forbidden by system policy", "l'installation est interdite par une stratégie système"),
        1638 => ("another version of this product is already installed", "une autre version de ce produit est déjà installée"),
        _ => ("the installer's own exit code", "code de sortie propre à l'installeur"),
    }
}

/// Explains any state, including the numbered ones (`SUCCESS_<n>` of the Linux agent, `EXIT_CODE_<n>` of Windows).
pub fn explain(code: &str) -> Explanation {
    let code_u = code.trim().to_ascii_uppercase();
    let code_u = if code_u.is_empty() { "WAITING".to_string() } else { code_u };
    if let Some(&(c, outcome, me, fe, mf, ff)) = TABLE.iter().find(|(c, ..)| *c == code_u) {
        return Explanation { code: c.to_string(), outcome, meaning_en: me.into(), fix_en: fe.into(), meaning_fr: mf.into(), fix_fr: ff.into() };
    }
    if let Some(n) = code_u.strip_prefix("SUCCESS_").and_then(|n| n.parse::<i64>().ok()) {
        // The Linux agent's LAUNCH result: SUCCESS_<exit code>, whatever the code.
        return if n == 0 {
            Explanation {
                code: code_u,
                outcome: Outcome::Success,
                meaning_en: "Installed: the launched program ended with exit code 0 (Linux agent).".into(),
                fix_en: String::new(),
                meaning_fr: "Installé : le programme lancé s'est terminé avec le code 0 (agent Linux).".into(),
                fix_fr: String::new(),
            }
        } else {
            Explanation {
                code: code_u,
                outcome: Outcome::Failure,
                meaning_en: format!("The launched program ended with exit code {n}: the Linux agent calls it SUCCESS_{n}, but it is a failure."),
                fix_en: "Run the program by hand on a test computer to see why it fails.".into(),
                meaning_fr: format!("Le programme lancé s'est terminé avec le code {n} : l'agent Linux l'appelle SUCCESS_{n}, mais c'est un échec."),
                fix_fr: "Lancer le programme à la main sur un ordinateur de test pour voir pourquoi il échoue.".into(),
            }
        };
    }
    if code_u == "EXIT_CODE_259" {
        // 259 is STILL_ACTIVE: the Windows agent's EXECUTE gave up waiting (EXECUTION_TIMEOUT) and read the exit
        // code of a process that was still running. Nothing was killed; the command may still finish.
        return Explanation {
            code: code_u,
            outcome: Outcome::Failure,
            meaning_en: "Timed out: the command was still running when the agent's execution timeout (EXECUTION_TIMEOUT, 120 minutes by default) ran out. 259 is Windows' \"still active\", not an exit code; the agent killed nothing, so the installation may still be running or waiting for an answer on the PC.".into(),
            fix_en: "Make the command unattended (/qn or /passive, no window waiting for a click) and check on a test PC, as SYSTEM, that it ends; if it really needs longer, raise the agent's EXECUTION_TIMEOUT.".into(),
            meaning_fr: "Délai dépassé : la commande tournait encore quand le délai d'exécution de l'agent (EXECUTION_TIMEOUT, 120 minutes par défaut) a expiré. 259 est le « toujours actif » de Windows, pas un code de sortie ; l'agent n'a rien arrêté : l'installation tourne peut-être encore ou attend une réponse sur le PC.".into(),
            fix_fr: "Rendre la commande silencieuse (/qn ou /passive, aucune fenêtre qui attend un clic) et vérifier sur un PC de test, en SYSTEM, qu'elle se termine ; si elle a vraiment besoin de plus de temps, augmenter EXECUTION_TIMEOUT de l'agent.".into(),
        };
    }
    if let Some(n) = code_u.strip_prefix("EXIT_CODE_").and_then(|n| n.parse::<i64>().ok()) {
        let (en, fr) = exit_code_hint(n);
        return Explanation {
            code: code_u,
            outcome: Outcome::Failure,
            meaning_en: format!("The command ran and returned {n} ({en})."),
            fix_en: "Run install.bat by hand on a test PC as SYSTEM (psexec -s) to see the error; fix the command or the installer's options.".into(),
            meaning_fr: format!("La commande s'est exécutée et a renvoyé {n} ({fr})."),
            fix_fr: "Lancer install.bat à la main sur un PC de test en SYSTEM (psexec -s) pour voir l'erreur ; corriger la commande ou les options de l'installeur.".into(),
        };
    }
    let outcome = if code_u.starts_with("SUCCESS") { Outcome::Success } else if code_u.starts_with("ERR") { Outcome::Failure } else { Outcome::Pending };
    Explanation {
        code: code_u.clone(),
        outcome,
        meaning_en: format!("State {code_u}, not documented by OCS."),
        fix_en: "Look at the agent's log on the PC.".into(),
        meaning_fr: format!("État {code_u}, non documenté par OCS."),
        fix_fr: "Consulter le journal de l'agent sur le PC.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_code_259_is_explained_as_a_timeout() {
        let e = explain("exit_code_259");
        assert_eq!(e.outcome, Outcome::Failure);
        assert!(e.meaning_en.starts_with("Timed out") && e.meaning_en.contains("EXECUTION_TIMEOUT"), "{}", e.meaning_en);
        assert!(e.meaning_fr.starts_with("Délai dépassé"), "{}", e.meaning_fr);
        assert!(!explain("EXIT_CODE_258").meaning_en.contains("Timed out"));
    }

    #[test]
    fn every_kind_of_state_is_explained() {
        assert_eq!(explain("SUCCESS").outcome, Outcome::Success);
        assert_eq!(explain("").code, "WAITING");
        assert_eq!(explain("NOTIFIED").outcome, Outcome::Pending);
        assert_eq!(explain("SUCCESS_0").outcome, Outcome::Success);
        assert_eq!(explain("SUCCESS_1").outcome, Outcome::Failure);
        assert_eq!(explain("SUCCESS_REBOOT_REQUIRED").outcome, Outcome::Success);
        let e = explain("EXIT_CODE_1603");
        assert_eq!(e.outcome, Outcome::Failure);
        assert!(e.meaning_en.contains("1603") && e.meaning_fr.contains("MSI"));
        assert_eq!(explain("ERR_SOMETHING_NEW").outcome, Outcome::Failure);
        for (c, ..) in TABLE {
            let e = explain(c);
            assert!(!e.meaning_en.is_empty() && !e.meaning_fr.is_empty(), "{c}");
            if e.outcome == Outcome::Failure {
                assert!(!e.fix_en.is_empty() && !e.fix_fr.is_empty(), "{c} needs a fix");
            }
        }
    }
}
