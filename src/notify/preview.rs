//! The notification dialogs drawn as the PC shows them (OcsNotifyUser.exe): the message rendered from the
//! exact HTML stored in `info`, the buttons the options give, and the countdown. The app shows this HTML;
//! `ocs-studio notify-preview` writes it to a file.

use super::{agent_html, DoneMessage, Notification};

/// Button and caption texts, in the language the admin previews in (the PC shows its own language).
struct Words {
    title: &'static str,
    install: &'static str,
    cancel: &'static str,
    delay: &'static str,
    countdown: &'static str,
    no_countdown: &'static str,
    ok: &'static str,
    before: &'static str,
    after: &'static str,
}

const FR: Words = Words {
    title: "OCS Inventory NG",
    install: "OK",
    cancel: "Annuler",
    delay: "Reporter",
    countdown: "L'installation démarre dans {n} s",
    no_countdown: "L'installation attend que l'utilisateur clique sur OK",
    ok: "OK",
    before: "Avant l'installation",
    after: "Fin de l'installation",
};

const EN: Words = Words {
    title: "OCS Inventory NG",
    install: "OK",
    cancel: "Cancel",
    delay: "Delay",
    countdown: "Installation starts in {n} s",
    no_countdown: "Installation waits for the user to click OK",
    ok: "OK",
    before: "Before installation",
    after: "End of installation",
};

fn dialog(w: &Words, caption: &str, html: &str, buttons: &[&str], footer: &str) -> String {
    let buttons: String = buttons.iter().map(|b| format!("<button type=\"button\">{b}</button>")).collect();
    format!(
        "<section class=\"ocs-dialog\"><p class=\"ocs-caption\">{caption}</p><div class=\"ocs-window\"><div class=\"ocs-title\">{}</div>\
<div class=\"ocs-message\"><p>{html}</p></div><div class=\"ocs-footer\"><span>{footer}</span><span class=\"ocs-buttons\">{buttons}</span></div></div></section>",
        w.title
    )
}

/// The HTML of both dialogs (only those the options turn on), self-contained with its style.
pub fn preview_html(n: &Notification, done: &DoneMessage, french: bool) -> String {
    let w = if french { &FR } else { &EN };
    let mut body = String::new();
    if n.enabled {
        let mut buttons = vec![w.install];
        if n.can_delay {
            buttons.push(w.delay);
        }
        if n.can_abort {
            buttons.push(w.cancel);
        }
        let footer = if n.countdown > 0 { w.countdown.replace("{n}", &n.countdown.to_string()) } else { w.no_countdown.to_string() };
        body.push_str(&dialog(w, w.before, &agent_html(&n.text), &buttons, &footer));
    }
    if done.enabled {
        body.push_str(&dialog(w, w.after, &agent_html(&done.text), &[w.ok], ""));
    }
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><style>\
body{{font-family:Tahoma,'DejaVu Sans',sans-serif;background:#3a6ea5;margin:0;padding:16px}}\
.ocs-caption{{color:#fff;font-size:12px;margin:12px 0 4px}}\
.ocs-window{{background:#ece9d8;border:1px solid #0a246a;max-width:460px;box-shadow:2px 2px 6px rgba(0,0,0,.4)}}\
.ocs-title{{background:linear-gradient(#0a246a,#3a6ea5);color:#fff;font-weight:bold;font-size:13px;padding:4px 8px}}\
.ocs-message{{background:#fff;margin:8px;padding:8px;min-height:80px;max-height:220px;overflow:auto;font-size:13px;border:1px inset #aaa}}\
.ocs-footer{{display:flex;justify-content:space-between;align-items:center;padding:0 8px 8px;font-size:11px;color:#333}}\
.ocs-buttons button{{margin-left:6px;min-width:72px;font:inherit;font-size:12px}}\
</style></head><body>{body}</body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_follow_the_options_and_text_is_the_stored_html() {
        let n = Notification { enabled: true, text: "Fermez \"Outlook\"\n<b>Merci</b>".into(), countdown: 30, can_abort: false, can_delay: true };
        let html = preview_html(&n, &DoneMessage::default(), true);
        assert!(html.contains("<p>Fermez &quot;Outlook&quot;<br><b>Merci</b></p>"), "{html}");
        assert!(html.contains("<button type=\"button\">Reporter</button>"));
        assert!(!html.contains("Annuler"));
        assert!(html.contains("démarre dans 30 s"));
        assert!(!html.contains("Fin de l'installation"));
        let done = DoneMessage { enabled: true, text: "Terminé".into() };
        let html = preview_html(&Notification::default(), &done, false);
        assert!(html.contains("End of installation") && html.contains("Termin&#233;"));
    }
}
