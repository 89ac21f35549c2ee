/**
 * Backpropagation from Scratch: a "Grade" button on every notebook's
 * toolbar. It saves the notebook, asks the course's server extension
 * (autograder/jupyter_server.py) to grade the saved file with the lesson's
 * hidden tests, and shows the same report and score as
 * `python -m autograder grade NOTEBOOK`.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, ToolbarButton, showDialog } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { Widget } from '@lumino/widgets';

const COMMAND = 'backprop-course:grade';

interface IGradeReply {
  graded: boolean;
  title: string;
  report: string;
  score?: number;
  max_score?: number;
}

/** Save the notebook of `panel`, grade it, show the report. */
async function grade(panel: NotebookPanel): Promise<IGradeReply> {
  await panel.context.save();
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'backprop-course', 'grade');
  const response = await ServerConnection.makeRequest(
    url,
    { method: 'POST', body: JSON.stringify({ path: panel.context.path }) },
    settings
  );
  const reply = (await response.json()) as IGradeReply;
  if (!response.ok && !reply.report) {
    throw new Error(`the grading request failed (${response.status})`);
  }
  return reply;
}

function reportBody(text: string): Widget {
  const node = document.createElement('pre');
  node.className = 'bpc-report';
  node.textContent = text;
  // the command's own text, kept as printed; long lines wrap
  Object.assign(node.style, {
    maxWidth: '110ch',
    maxHeight: '60vh',
    overflow: 'auto',
    whiteSpace: 'pre-wrap',
    fontFamily: 'var(--jp-code-font-family)',
    fontSize: 'var(--jp-code-font-size)'
  });
  return new Widget({ node });
}

async function gradeAndShow(
  panel: NotebookPanel,
  button?: ToolbarButton
): Promise<void> {
  const node = button?.node.querySelector('.jp-ToolbarButtonComponent-label');
  if (node) {
    node.textContent = 'Grading…';
  }
  button?.addClass('bpc-busy');
  try {
    const reply = await grade(panel);
    await showDialog({
      title: reply.title,
      body: reportBody(reply.report),
      buttons: [Dialog.okButton()]
    });
  } catch (error) {
    await showDialog({
      title: 'Cannot grade this notebook',
      body: reportBody(String(error)),
      buttons: [Dialog.okButton()]
    });
  } finally {
    if (node) {
      node.textContent = 'Grade';
    }
    button?.removeClass('bpc-busy');
  }
}

class GradeButton
  implements DocumentRegistry.IWidgetExtension<NotebookPanel, INotebookModel>
{
  createNew(panel: NotebookPanel): IDisposable {
    const button: ToolbarButton = new ToolbarButton({
      className: 'bpc-grade-button',
      label: 'Grade',
      tooltip: "Save this notebook and grade it with the lesson's hidden tests",
      onClick: () => void gradeAndShow(panel, button)
    });
    panel.toolbar.insertItem(10, 'backprop-course-grade', button);
    return button;
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'backprop-course:grade-button',
  description: 'A Grade button that runs the lesson\'s hidden tests.',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    app.docRegistry.addWidgetExtension('Notebook', new GradeButton());
    app.commands.addCommand(COMMAND, {
      label: 'Grade This Notebook',
      execute: () => {
        const current = app.shell.currentWidget;
        if (current instanceof NotebookPanel) {
          return gradeAndShow(current);
        }
      }
    });
  }
};

export default plugin;
