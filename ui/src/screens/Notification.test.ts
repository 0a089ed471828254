import { fireEvent, render } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type PreviewRequest_Deserialize } from "../bindings";
import { checkTiming } from "../lib/checks";
import { locale } from "../lib/locale.svelte";
import { studio } from "../lib/state.svelte";
import { choose, err, lint, ok, ownText, previewOutput, settle, texts } from "../test/fakes";
import Notification from "./Notification.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const el = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;
const dialog = () => ({ notification: { ...studio.manifest!.notification }, done: { ...studio.manifest!.after_install } });
const lastPreview = () => cmd.previewNotification.mock.lastCall![0] as PreviewRequest_Deserialize;

async function type(id: string, value: string): Promise<void> {
  await fireEvent.input(el(id), { target: { value } });
  await settle();
}

describe("Notification screen", () => {
  beforeEach(async () => {
    checkTiming.debounceMs = 0;
    await studio.analyze("/apps/Mon Appli");
  });

  it("previews the dialogs on each keystroke, in a sandboxed frame, without redrawing the text field", async () => {
    render(Notification);
    await settle();
    const calls = cmd.previewNotification.mock.calls.length;
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(lastPreview()).toEqual({
      notification: { enabled: false, text: "", countdown: 0, can_abort: false, can_delay: true },
      done: { enabled: false, text: "" },
      french: true,
      autofix: false,
    });
    const frame = el<HTMLIFrameElement>("notify-preview");
    expect(frame.tagName).toBe("IFRAME");
    expect(frame.getAttribute("sandbox")).toBe("");
    expect(frame.getAttribute("title")).toBe("Aperçu de la notification");
    expect(frame.getAttribute("srcdoc")).toContain("Aperçu");

    const area = el<HTMLTextAreaElement>("notify-text");
    area.focus();
    cmd.previewNotification.mockImplementation(async (req) => previewOutput({ preview_html: `<p>${req.notification.text}</p>` }));
    await type("notify-text", "B");
    await type("notify-text", "Bo");
    await type("notify-text", "Bon");
    expect(cmd.previewNotification.mock.calls.length).toBe(calls + 3);
    expect(lastPreview().notification.text).toBe("Bon");
    expect(studio.manifest!.notification.text).toBe("Bon");
    expect(el("notify-preview").getAttribute("srcdoc")).toBe("<p>Bon</p>");
    expect(el("notify-text")).toBe(area);
    expect(document.activeElement).toBe(area);

    // Every field, and the window's language, redraws it too.
    await fireEvent.click(el("notify-enabled"));
    await settle();
    expect(lastPreview().notification.enabled).toBe(true);
    await fireEvent.click(el("notify-can-abort"));
    await settle();
    expect(lastPreview().notification.can_abort).toBe(true);
    await fireEvent.click(el("done-enabled"));
    await type("done-text", "Merci");
    expect(lastPreview().done).toEqual({ enabled: true, text: "Merci" });
    await type("notify-countdown", "120");
    expect(lastPreview().notification.countdown).toBe(120);
    await type("notify-countdown", "12000");
    expect(studio.manifest!.notification.countdown).toBe(9999);
    locale.set("en");
    await settle();
    expect(lastPreview().french).toBe(false);
  });

  it("words each lint in the window's language from its code and subject, the end message's with its prefix", async () => {
    cmd.previewNotification.mockImplementation(async () =>
      previewOutput({
        lints: [
          lint("tag_not_allowed", "warning", "<script> is not shown as intended in the agent's dialog", { subject: "script" }),
          lint("unclosed_tag", "warning", "end-of-installation text: <b> is never closed", { field: "done_text", subject: "b" }),
          lint("long", "warning", "700 characters: the dialog will need scrolling", { count: 700 }),
          lint("slash_switch", "info", "\"/delay\" would act as the dialog's own /delay switch", { subject: "/delay" }),
          lint("non_ascii", "info", "accents are stored as HTML character references"),
        ],
      }),
    );
    render(Notification);
    await type("notify-text", "Fermez <script>x</script> /delay");
    const items = [...document.querySelectorAll<HTMLElement>("#notify-lints li")];
    expect(items.map((li) => [li.dataset.code, li.dataset.level, li.className])).toEqual([
      ["tag_not_allowed", "warning", "lint warning"],
      ["unclosed_tag", "warning", "lint warning"],
      ["long", "warning", "lint warning"],
      ["slash_switch", "info", "lint info"],
      ["non_ascii", "info", "lint info"],
    ]);
    const said = items.map((li) => li.textContent!.trim());
    expect(said[0]).toBe(
      "La balise <script> ne s'affiche pas comme prévu dans la fenêtre de l'agent. « Corriger automatiquement » la retire ; utilisez plutôt <b>, <i>, <br>, <p>, <ul>/<li> ou <font>.",
    );
    expect(said[1]).toMatch(/^Message de fin : la balise <b> n'est jamais fermée : tout le reste du message prendra ce style\./);
    expect(said[1]).toContain("ajoutez </b>");
    expect(said[0]).not.toMatch(/^Message de fin/);
    expect(said[2]).toMatch(/^Le texte fait 700 caractères : la fenêtre devra défiler/);
    expect(said[3]).toMatch(/^Sur le PC, « \/delay » serait pris pour une option de la fenêtre de l'agent : le studio enregistre sa barre oblique en &#47;/);
    expect(said[4]).toMatch(/Rien à faire\.$/);
    // The core's English stays out of the list; tags are text, never elements.
    expect(el("notify-lints").textContent).not.toContain("is not shown as intended");
    expect(el("notify-lints").querySelector("[lang]")).toBeNull();
    expect(document.querySelector("#notify-lints script")).toBeNull();

    locale.set("en");
    await settle();
    const english = [...document.querySelectorAll<HTMLElement>("#notify-lints li")].map((li) => li.textContent!.trim());
    expect(english[0]).toMatch(/^The tag <script> is not shown as intended in the agent's dialog\./);
    expect(english[1]).toMatch(/^End message: the tag <b> is never closed/);
  });

  it("applies the core's safe fixes to both texts from one preview", async () => {
    cmd.previewNotification.mockImplementation(async (req) =>
      req.autofix
        ? previewOutput({ text: "Fermez <b>Outlook</b>", done_text: "C'est <i>fini</i>" })
        : previewOutput({ lints: [lint("tag_not_allowed", "warning", "<script> is not shown as intended", { subject: "script" })] }),
    );
    render(Notification);
    await type("notify-text", "Fermez <script>x</script><b>Outlook");
    await fireEvent.click(el("done-enabled"));
    await type("done-text", "C'est <i>fini");
    cmd.previewNotification.mockClear();

    await fireEvent.click(el("notify-fix"));
    await settle();
    const fixes = cmd.previewNotification.mock.calls.filter(([r]) => r.autofix);
    expect(fixes).toHaveLength(1);
    expect(fixes[0][0].notification.text).toBe("Fermez <script>x</script><b>Outlook");
    expect(fixes[0][0].done).toEqual({ enabled: true, text: "C'est <i>fini" });
    expect(studio.manifest!.notification.text).toBe("Fermez <b>Outlook</b>");
    expect(studio.manifest!.after_install.text).toBe("C'est <i>fini</i>");
    expect(el<HTMLTextAreaElement>("notify-text").value).toBe("Fermez <b>Outlook</b>");
    expect(el<HTMLTextAreaElement>("done-text").value).toBe("C'est <i>fini</i>");
  });

  it("leaves an end message that is not shown as it is when fixing", async () => {
    cmd.previewNotification.mockImplementation(async (req) =>
      previewOutput({ text: req.autofix ? "Fermez Outlook" : "", done_text: "fixed", lints: [lint("tag_not_allowed", "warning", "x", { subject: "script" })] }),
    );
    studio.manifest!.after_install.text = "Merci <script>";
    render(Notification);
    await type("notify-text", "Fermez <script>Outlook");
    await fireEvent.click(el("notify-fix"));
    await settle();
    expect(cmd.previewNotification.mock.calls.filter(([r]) => r.autofix)).toHaveLength(1);
    expect(studio.manifest!.notification.text).toBe("Fermez Outlook");
    expect(studio.manifest!.after_install).toEqual({ enabled: false, text: "Merci <script>" });
  });

  it("says when the text is fine", async () => {
    render(Notification);
    await settle();
    expect(document.querySelectorAll("#notify-lints li")).toHaveLength(0);
    expect(el("notify-no-lint").textContent).toBe("✔ Rien à signaler.");
    expect(el<HTMLButtonElement>("notify-fix").disabled).toBe(true);
  });

  it("fills the fields from a ready-made text: before the installation, or at its end", async () => {
    render(Notification);
    await settle();
    expect(cmd.notificationTexts).toHaveBeenCalledWith("Mon Appli 2.1.0");
    const groups = [...document.querySelectorAll("#notify-texts optgroup")];
    expect(groups.map((g) => g.getAttribute("label"))).toEqual(["Avant l'installation", "Fin de l'installation"]);
    expect([...groups[0].querySelectorAll("option")].map((o) => o.textContent)).toEqual([
      "Avant l'installation (français)",
      "Mise à jour de sécurité urgente (français)",
      "Before installation (anglais)",
    ]);
    expect(el<HTMLSelectElement>("notify-texts").value).toBe("before-fr");

    await choose("notify-texts", "urgent-fr");
    await fireEvent.click(el("notify-use-text"));
    await settle();
    expect(cmd.useNotificationText).toHaveBeenCalledTimes(1);
    expect(cmd.useNotificationText).toHaveBeenCalledWith({
      id: "urgent-fr",
      application: "Mon Appli 2.1.0",
      notification: { enabled: false, text: "", countdown: 0, can_abort: false, can_delay: true },
      done: { enabled: false, text: "" },
    });
    const n = studio.manifest!.notification;
    expect(n).toEqual({ enabled: true, text: "<b>Mise à jour urgente</b> de Mon Appli 2.1.0.", countdown: 300, can_abort: false, can_delay: false });
    expect(el<HTMLTextAreaElement>("notify-text").value).toBe(n.text);
    expect(el("notify-countdown").value).toBe("300");
    expect(el("notify-can-delay").checked).toBe(false);
    expect(el("notify-enabled").checked).toBe(true);

    await choose("notify-texts", "done-fr");
    await fireEvent.click(el("notify-use-text"));
    await settle();
    expect(cmd.useNotificationText.mock.lastCall![0]).toMatchObject({ id: "done-fr", notification: { enabled: true, countdown: 300 } });
    expect(studio.manifest!.after_install).toEqual({ enabled: true, text: "L'installation de <b>Mon Appli 2.1.0</b> est terminée." });
    expect(studio.manifest!.notification.text).toBe(n.text);
  });

  it("applies what the core answers for the chosen text, not the UI's own rule", async () => {
    // The core decides: here it keeps the options the admin had set and fills both texts.
    cmd.useNotificationText.mockResolvedValueOnce(
      ok({
        notification: { enabled: true, text: "Texte du cœur", countdown: 42, can_abort: true, can_delay: false },
        done: { enabled: true, text: "Fin selon le cœur" },
      }),
    );
    render(Notification);
    await settle();
    await choose("notify-texts", "before-en");
    await fireEvent.click(el("notify-use-text"));
    await settle();
    expect(cmd.useNotificationText.mock.lastCall![0]).toMatchObject({ id: "before-en", application: "Mon Appli 2.1.0" });
    expect(studio.manifest!.notification).toEqual({ enabled: true, text: "Texte du cœur", countdown: 42, can_abort: true, can_delay: false });
    expect(studio.manifest!.after_install).toEqual({ enabled: true, text: "Fin selon le cœur" });
    expect(el<HTMLTextAreaElement>("notify-text").value).toBe("Texte du cœur");
    expect(el<HTMLTextAreaElement>("done-text").value).toBe("Fin selon le cœur");
    expect(el("done-enabled").checked).toBe(true);
    expect(el("notify-can-abort").checked).toBe(true);
    expect(document.getElementById("notify-use-error")).toBeNull();
  });

  it("shows the core's error when a text cannot be used, and changes nothing", async () => {
    cmd.useNotificationText.mockResolvedValueOnce(err("texts", 'there is no text with the id "before-fr": pick one of the list'));
    render(Notification);
    await settle();
    const before = dialog();
    await fireEvent.click(el("notify-use-text"));
    await settle();
    const box = el("notify-use-error");
    expect(box.dataset.code).toBe("texts");
    expect(box.textContent).toContain("La bibliothèque des textes de notification ne peut pas être lue ou écrite.");
    expect(box.textContent).toContain('there is no text with the id "before-fr"');
    expect(dialog()).toEqual(before);
    // Another text chosen: the error goes.
    await choose("notify-texts", "done-fr");
    expect(document.getElementById("notify-use-error")).toBeNull();
  });

  it("saves the text as the admin's own, renames it, and deletes it after a second click", async () => {
    render(Notification);
    await settle();
    expect(document.getElementById("notify-rename")).toBeNull();
    await type("notify-text", "Maintenance ce soir à 18 h");
    await type("notify-save-title", "Maintenance du soir");
    const mine = ownText("maintenance-du-soir", "Maintenance du soir", "Maintenance ce soir à 18 h");
    cmd.saveNotificationText.mockResolvedValueOnce(ok(texts([mine])));
    cmd.notificationTexts.mockResolvedValue(ok(texts([mine])));
    await fireEvent.click(el("notify-save"));
    await settle();
    expect(cmd.saveNotificationText).toHaveBeenCalledWith({
      id: "maintenance-du-soir",
      lang: "fr",
      title: "Maintenance du soir",
      when: "before",
      text: "Maintenance ce soir à 18 h",
      countdown: 0,
      can_abort: false,
      can_delay: true,
      builtin: false,
    });
    expect(el("notify-note").textContent).toBe("✔ Texte enregistré.");
    expect(el<HTMLSelectElement>("notify-texts").value).toBe("maintenance-du-soir");
    expect(el("notify-texts").textContent).toContain("Maintenance du soir (français) — personnel");

    await type("notify-save-title", "Maintenance de nuit");
    cmd.renameNotificationText.mockResolvedValueOnce(ok(texts([{ ...mine, title: "Maintenance de nuit" }])));
    cmd.notificationTexts.mockResolvedValue(ok(texts([{ ...mine, title: "Maintenance de nuit" }])));
    await fireEvent.click(el("notify-rename"));
    await settle();
    expect(cmd.renameNotificationText).toHaveBeenCalledWith("maintenance-du-soir", "Maintenance de nuit");
    expect(el("notify-texts").textContent).toContain("Maintenance de nuit (français) — personnel");

    await fireEvent.click(el("notify-delete"));
    expect(cmd.deleteNotificationText).not.toHaveBeenCalled();
    cmd.notificationTexts.mockResolvedValue(ok(texts()));
    await fireEvent.click(el("notify-delete-confirm"));
    await settle();
    expect(cmd.deleteNotificationText).toHaveBeenCalledWith("maintenance-du-soir");
    expect(el("notify-texts").textContent).not.toContain("Maintenance");
    expect(el("notify-note").textContent).toBe("✔ Texte supprimé.");
    expect(document.getElementById("notify-delete")).toBeNull();
  });

  it("saves an end message too, never under a built-in text's id, and shows the library's errors", async () => {
    render(Notification);
    await settle();
    await type("done-text", "Merci !");
    await type("notify-save-title", "Done FR");
    await choose("notify-save-when", "after");
    cmd.saveNotificationText.mockResolvedValueOnce(err("texts", "cannot write /home/admin/.config/ocs-studio/texts.toml"));
    await fireEvent.click(el("notify-save"));
    await settle();
    expect(cmd.saveNotificationText.mock.lastCall![0]).toMatchObject({ id: "done-fr-perso", when: "after", text: "Merci !", title: "Done FR" });
    expect(el("notify-texts-error").textContent).toContain("texts.toml");
    expect(document.getElementById("notify-note")).toBeNull();
  });
});
