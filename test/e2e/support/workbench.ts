// Driving VS Code's workbench (1.100) from the page: the command palette, quick picks, opening files and
// notebooks, notebook cells and their outputs. Selectors are VS Code's own DOM classes.
import * as path from "node:path";
import type { FrameLocator, Locator, Page } from "./playwright";

/** Matches the whole text of a label, not a part of it (hasText alone is a case-insensitive substring match). */
export function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);
}

export class Workbench {
  readonly quickInput: Locator;

  constructor(
    readonly page: Page,
    readonly timeoutMs: number,
  ) {
    this.quickInput = page.locator(".quick-input-widget:visible");
  }

  async waitUntilReady(): Promise<void> {
    await this.page.locator(".monaco-workbench").waitFor();
    await this.page.locator(".explorer-folders-view .monaco-list-row").first().waitFor();
  }

  /**
   * Waits until the command palette lists a command. Extensions (ours and the built-in ipynb support) register
   * their contributions some seconds after the workbench shows; until then the palette does not know them.
   */
  async waitForCommand(title: string, timeoutMs = this.timeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.openCommandPalette(title);
      const found = await this.quickPickRow(title)
        .waitFor({ timeout: 2000 })
        .then(() => true, () => false);
      await this.closeQuickInput();
      if (found) return;
      if (Date.now() > deadline) throw new Error(`the command palette does not list "${title}" after ${timeoutMs} ms`);
      await this.page.waitForTimeout(500);
    }
  }

  /** Closes the command palette or quick pick, if one is open. */
  async closeQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) await this.page.keyboard.press("Escape");
    await this.quickInput.waitFor({ state: "hidden" });
  }

  /** The row of the open quick pick whose label is `label` (a string matches the whole label). */
  quickPickRow(label: string | RegExp): Locator {
    const text = typeof label === "string" ? exactly(label) : label;
    return this.quickInput.locator(".monaco-list-row").filter({ has: this.page.locator(".label-name", { hasText: text }) }).first();
  }

  /**
   * Answers the input box whose prompt contains `prompt`: types `value` over what it offers, or keeps what it
   * offers when `value` is undefined, and presses Enter.
   */
  async answerInputBox(prompt: string, value?: string): Promise<void> {
    await this.quickInput.locator(".quick-input-message, .quick-input-description", { hasText: prompt }).first().waitFor();
    if (value !== undefined) await this.quickInput.locator("input").fill(value);
    await this.page.keyboard.press("Enter");
    // The next question replaces this one in the same widget.
    await this.quickInput.locator(".quick-input-message, .quick-input-description", { hasText: prompt }).first().waitFor({ state: "hidden" });
  }

  async pickQuickItem(label: string | RegExp): Promise<void> {
    await this.quickPickRow(label).click();
  }

  /** Runs a command by its palette title, e.g. "TF.js Studio: Open Metrics Panel". */
  async runCommand(title: string): Promise<void> {
    await this.startCommand(title);
    await this.quickInput.waitFor({ state: "hidden" });
  }

  /**
   * Picks a command from the palette without waiting for the palette to close: for a command that asks with a
   * quick pick of its own, which may take over the palette's widget before it ever hides.
   */
  async startCommand(title: string): Promise<void> {
    await this.openCommandPalette(title);
    await this.pickQuickItem(title);
  }

  /** Opens the command palette with `filter` typed in it. */
  async openCommandPalette(filter: string): Promise<void> {
    await this.openQuickInput(`>${filter}`);
  }

  /**
   * Right-clicks the target `findTarget` gives and picks `label` from its context menu. The whole is tried again when
   * the menu goes away under the pointer (the explorer redraws for a file another test wrote, and a redraw closes the
   * menu).
   */
  async contextMenuAction(findTarget: () => Promise<Locator>, label: string): Promise<void> {
    const item = this.page.locator(".monaco-menu .action-label", { hasText: exactly(label) });
    for (let attempt = 1; ; attempt++) {
      // Found again each time: a redraw of a tree between finding a row and clicking it loses the row.
      const opened = await (await findTarget()).click({ button: "right", timeout: 5000 }).then(() => true, () => false);
      const picked = opened && (await item.click({ timeout: 5000 }).then(() => true, () => false));
      // A context menu ignores a click that comes right as it opens; the highlighted item then takes Enter.
      if (picked && !(await item.waitFor({ state: "hidden", timeout: 1500 }).then(() => true, () => false))) await this.page.keyboard.press("Enter");
      if (picked) return;
      if (attempt === 3) throw new Error(opened ? `the context menu has no "${label}" that takes a click (see the screenshot)` : "the context menu's target does not take a right-click (see the screenshot)");
      await this.page.keyboard.press("Escape");
    }
  }

  /** The text of every notification, dialog and quick input on screen, a line each, for failure reports. */
  async visibleMessages(): Promise<string[]> {
    const texts = await this.page
      .locator(".notifications-toasts .notification-toast:visible, .monaco-dialog-box:visible, .quick-input-widget:visible")
      .evaluateAll((elements) => elements.map((element) => ((element as { innerText?: string }).innerText ?? "").replace(/\s+/g, " ").trim()));
    return texts.filter((text) => text.length > 0);
  }

  /**
   * Reveals the active editor's file in the explorer and gives its selected row. Tried again when the selection does
   * not show: a redraw of the tree (a file another test wrote) can take it away.
   */
  async revealActiveFileInExplorer(name: string): Promise<Locator> {
    const row = this.page.locator(".explorer-folders-view .monaco-list-row.selected", { hasText: name });
    for (let attempt = 1; ; attempt++) {
      await this.runCommand("File: Reveal Active File in Explorer View");
      if (await row.waitFor({ timeout: 5000 }).then(() => true, () => false)) return row;
      if (attempt === 3) throw new Error(`the explorer shows no selected ${name} after Reveal Active File in Explorer View (see the screenshot)`);
    }
  }

  /** Opens a file of the workspace through Quick Open. */
  async openFile(relativePath: string): Promise<void> {
    await this.openQuickInput(relativePath);
    await this.pickQuickItem(path.basename(relativePath));
    await this.quickInput.waitFor({ state: "hidden" });
  }

  /** F1, then `text` in place of the palette's ">": with a leading ">" the command palette, without it Quick Open. */
  private async openQuickInput(text: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press("F1");
      if (await this.quickInput.waitFor({ timeout: 3000 }).then(() => true, () => false)) break;
      if (attempt === 3) throw new Error("F1 does not open the command palette: something holds the keyboard (see the screenshot)");
      // A webview (the walkthrough's media, a panel) can hold the keyboard: clicking the side bar's title gives
      // it back to the workbench.
      await this.page.locator(".part.sidebar .composite.title").click();
    }
    await this.quickInput.locator("input").fill(text);
  }

  /**
   * Opens a notebook. Right after start-up the built-in ipynb support may not be registered yet and the file
   * opens as JSON text: then the tab is closed and the file opened again.
   */
  async openNotebook(relativePath: string): Promise<NotebookEditor> {
    const notebook = new NotebookEditor(this.page);
    const name = path.basename(relativePath);
    const asText = this.page.locator(`.editor-group-container .monaco-editor[data-uri$="${name}"]`);
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      await this.openFile(relativePath);
      await notebook.cells.first().or(asText).first().waitFor();
      if (await notebook.cells.first().isVisible()) return notebook;
      if (Date.now() > deadline) throw new Error(`${relativePath} keeps opening as text, not as a notebook`);
      await this.closeEditor(name);
      await this.page.waitForTimeout(1000);
    }
  }

  /**
   * Closes every editor by its tab's close button, saving an edited one when VS Code asks (later tests reopen
   * notebooks with the outputs earlier ones made). Not through the command palette: a webview panel or the
   * walkthrough can take the focus back from it, which closes it before a command is picked.
   */
  async saveAndCloseAllEditors(): Promise<void> {
    const tabs = this.page.locator(".tabs-container .tab");
    const save = this.page.locator(".monaco-dialog-box .monaco-button", { hasText: exactly("Save") });
    const deadline = Date.now() + this.timeoutMs;
    for (let open = await tabs.count(); open > 0; open = await tabs.count()) {
      if (Date.now() > deadline) throw new Error(`${open} editors are still open after ${this.timeoutMs} ms of closing them`);
      // The tab may go while the click waits for it (closed by the click before): then count again.
      await tabs.first().locator(".tab-actions .action-label").first().click({ timeout: 5000 }).catch(() => undefined);
      if (await save.waitFor({ timeout: 500 }).then(() => true, () => false)) await save.click();
      await this.page.waitForTimeout(100);
    }
  }

  /**
   * Replaces the user settings with `settings` in VS Code's own settings.json editor, and saves: VS Code applies its
   * own edit at once (a change written to the file from outside is not picked up).
   */
  async replaceUserSettings(settings: object): Promise<void> {
    await this.runCommand("Preferences: Open User Settings (JSON)");
    const editor = this.page.locator('.editor-instance .monaco-editor[data-uri$="/User/settings.json"]');
    await editor.locator(".view-lines").click();
    await this.page.keyboard.press("ControlOrMeta+A");
    // As one insertion: typed text would get the editor's closing brackets and quotes too.
    await this.page.keyboard.insertText(JSON.stringify(settings, null, 2));
    await this.page.keyboard.press("ControlOrMeta+S");
    await this.page.locator(".tabs-container .tab.dirty", { hasText: "settings.json" }).waitFor({ state: "hidden" });
    await this.closeEditor("settings.json");
  }

  async closeEditor(tabLabel: string): Promise<void> {
    await this.page.locator(".tabs-container .tab", { hasText: tabLabel }).locator(".codicon-close").click();
  }

  /** The content of the visible webview panel (not a notebook's outputs) whose tab is active. */
  webviewPanel(): FrameLocator {
    return this.page.frameLocator("iframe.webview.ready:visible:not([src*='purpose=notebookRenderer'])").frameLocator("#active-frame");
  }
}

export class NotebookEditor {
  readonly root: Locator;
  readonly cells: Locator;
  readonly kernelPicker: Locator;

  constructor(readonly page: Page) {
    // There is a hidden second .notebook-editor.
    this.root = page.locator(".notebook-editor:visible");
    this.cells = this.root.locator(".code-cell-row");
    this.kernelPicker = page.locator(".notebook-toolbar-container:visible .kernel-action-view-item");
  }

  /** The outputs of every cell of this notebook live in one webview. */
  outputs(): FrameLocator {
    return this.page.frameLocator("iframe.webview.ready:visible[src*='purpose=notebookRenderer']").frameLocator("#active-frame");
  }

  async selectedKernel(): Promise<string> {
    return (await this.kernelPicker.innerText()).trim();
  }

  /** Selects the kernel in the toolbar's kernel picker (also when it already is): in its list, or under "Select Another Kernel...". */
  async selectKernel(label: string, workbench: Workbench): Promise<void> {
    await this.kernelPicker.click();
    await workbench.quickInput.waitFor();
    const row = workbench.quickPickRow(label);
    const another = workbench.quickPickRow(/^\s*Select Another Kernel/);
    await row.or(another).first().waitFor();
    if (!(await row.isVisible())) {
      await another.click();
      await row.waitFor();
    }
    await row.click();
    await workbench.quickInput.waitFor({ state: "hidden" });
  }

  /** The cell at this index (markdown cells count too); in the DOM only while it is scrolled into view. */
  cell(index: number): Locator {
    return this.root.locator(`.monaco-list-row[data-index="${index}"]`);
  }

  /** Scrolls the notebook with the mouse wheel until the cell's top is in view (cells out of view are not in the DOM). */
  async revealCell(index: number): Promise<Locator> {
    const cell = this.cell(index);
    const view = await this.root.boundingBox();
    if (!view) throw new Error("the notebook editor is not visible");
    await this.page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
    let lastTop: number | undefined;
    for (let step = 0; step < 300; step++) {
      // A row the list keeps but hides has no box yet: scroll on rather than wait for it.
      const box = (await cell.count()) > 0 ? await cell.boundingBox({ timeout: 1000 }).catch(() => null) : null;
      let delta: number;
      if (box) {
        // Its top within the upper part of the view, below the toolbar; or as high as the list scrolls (the first cell).
        const offset = box.y - (view.y + 80);
        if ((offset >= 0 && offset < view.height / 2) || (offset < 0 && box.y === lastTop)) return cell;
        lastTop = box.y;
        delta = offset;
      } else {
        const rendered = await this.root.locator(".monaco-list-row[data-index]").evaluateAll<number[], { getAttribute(name: string): string | null }>((rows) =>
          rows.map((row) => Number(row.getAttribute("data-index"))),
        );
        delta = rendered.length > 0 && index < Math.min(...rendered) ? -view.height / 2 : view.height / 2;
      }
      await this.page.mouse.wheel(0, delta);
      await this.page.waitForTimeout(100);
    }
    throw new Error(`could not scroll cell ${index} into view`);
  }

  /** Puts the cursor at the end of a cell's text. */
  async focusCellEnd(index: number): Promise<void> {
    await this.cell(index).locator(".monaco-editor .view-lines").click();
    await this.page.keyboard.press("Control+End");
  }

  async runCell(index: number): Promise<void> {
    await this.clickCellButton(index, "notebook-execute");
  }

  /** The stop button a running cell shows in place of its run button. */
  async stopCell(index: number): Promise<void> {
    await this.clickCellButton(index, "notebook-stop");
  }

  /**
   * A cell's toolbar button shows while the pointer is over the cell; force: a row moves while outputs above it grow,
   * and need not be still. Hovered again when it does not show: a growing output above can move the cell away from
   * the pointer.
   */
  private async clickCellButton(index: number, icon: string): Promise<void> {
    const cell = this.cell(index);
    for (let attempt = 1; ; attempt++) {
      await cell.hover({ force: true });
      const clicked = await cell.locator(`.codicon-${icon}`).first().click({ timeout: 5000 }).then(() => true, () => false);
      if (clicked) return;
      if (attempt === 4) throw new Error(`cell ${index} shows no ${icon} button under the pointer (see the screenshot)`);
      await this.revealCell(index);
    }
  }

  /** "success", "error", "executing", "pending" or "" (never ran): the icon in the cell's status bar. */
  async cellState(index: number): Promise<string> {
    const classes = await this.cell(index).locator("[class*='codicon-notebook-state-']").evaluateAll((icons) => icons.map((icon) => icon.className));
    return /codicon-notebook-state-(\w+)/.exec(classes.join(" "))?.[1] ?? "";
  }

  /** Waits until the cell's state is one of `states`. */
  async waitForCellState(index: number, states: string[], timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.cellState(index);
      if (states.includes(state)) return state;
      if (Date.now() > deadline) throw new Error(`cell ${index} is "${state}" after ${timeoutMs} ms, not ${states.join(" or ")}`);
      await this.page.waitForTimeout(200);
    }
  }

  /** A notebook toolbar button by its label, e.g. "Run All", "Interrupt". */
  toolbarAction(label: string): Locator {
    return this.page.locator(`.notebook-toolbar-container:visible .action-item a[aria-label="${label}"]`);
  }

  /** Rendered outputs whose text contains `text` (only of cells scrolled into view). */
  output(text: string | RegExp): Locator {
    return this.outputs().locator(".output", { hasText: text });
  }
}
