import { fireEvent, render } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type PreviewRequest_Deserialize } from "../bindings";
import { checkTiming } from "../lib/checks";
import { locale } from "../lib/locale.svelte";
import { studio } from "../lib/state.svelte";
import { err, ok, ownText, previewOutput, settle, texts } from "../test/fakes";
import Notification from "./Notification.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const el = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;
const lastPreview = () => cmd.previewNotification.mock.lastCall![0] as PreviewRequest_Deserialize;

async function choose(id: string, value: string): Promise<void> {
  const select = el<HTMLSelectElement>(id);
  const option = [...select.options].find((o) => o.value === value);
  expect(option, `${id} offers ${value}`).toBeTruthy();
  select.selectedIndex = option!.index;
  option!.selected = true;
  await fireEvent.change(select);
  await settle();
}

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

  it("lists the core's lint by level, and applies its safe fixes", async () => {
    cmd.previewNotification.mockImplementation(async (req) =>
      req.autofix
        ? previewOutput({ text: "Fermez <b>Outlook</b>" })
        : previewOutput({
            lints: [
              { level: "warning", code: "tag_not_allowed", message: "<script> is not shown as intended in the agent's dialog" },
              { level: "info", code: "non_ascii", message: "accents are stored as HTML character references" },
            ],
          }),
    );
    render(Notification);
    await type("notify-text", "Fermez <script>x</script><b>Outlook");
    const items = [...document.querySelectorAll<HTMLElement>("#notify-lints li")];
    expect(items.map((li) => [li.dataset.code, li.dataset.level, li.className])).toEqual([
      ["tag_not_allowed", "warning", "lint warning"],
      ["non_ascii", "info", "lint info"],
    ]);
    expect(items[0].querySelector("strong")!.textContent).toBe("Balise non affichée");
    expect(items[0].textContent).toContain("<script> is not shown as intended");
    expect(document.querySelector("#notify-lints script")).toBeNull();

    await fireEvent.click(el("notify-fix"));
    await settle();
    const fixCall = cmd.previewNotification.mock.calls.find(([r]) => r.autofix)![0];
    expect(fixCall.notification.text).toBe("Fermez <script>x</script><b>Outlook");
    expect(studio.manifest!.notification.text).toBe("Fermez <b>Outlook</b>");
    expect(el<HTMLTextAreaElement>("notify-text").value).toBe("Fermez <b>Outlook</b>");
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
    const n = studio.manifest!.notification;
    expect(n).toEqual({ enabled: true, text: "<b>Mise à jour urgente</b> de Mon Appli 2.1.0.", countdown: 300, can_abort: false, can_delay: false });
    expect(el<HTMLTextAreaElement>("notify-text").value).toBe(n.text);
    expect(el("notify-countdown").value).toBe("300");
    expect(el("notify-can-delay").checked).toBe(false);
    expect(el("notify-enabled").checked).toBe(true);

    await choose("notify-texts", "done-fr");
    await fireEvent.click(el("notify-use-text"));
    await settle();
    expect(studio.manifest!.after_install).toEqual({ enabled: true, text: "L'installation de <b>Mon Appli 2.1.0</b> est terminée." });
    expect(studio.manifest!.notification.text).toBe(n.text);
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
