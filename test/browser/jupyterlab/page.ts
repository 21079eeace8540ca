// The JupyterLab render page (bundled by test/browser/jupyterlab.ts with esbuild, opened in Chromium):
// executed notebook outputs drawn by JupyterLab 4's own output area and MIME renderers
// (@jupyterlab/outputarea, @jupyterlab/rendermime with its sanitizer), optionally with plotly's
// JupyterLab renderer (jupyterlab-plotly, as `pip install plotly` adds it to JupyterLab).
import { OutputArea, OutputAreaModel } from "@jupyterlab/outputarea";
import { RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";
import { Widget } from "@lumino/widgets";
// @ts-expect-error: the package ships JavaScript without declarations
import { rendererFactory as plotlyRendererFactory } from "jupyterlab-plotly/lib/plotly-renderer.js";

interface RenderOptions {
  /** Whether the outputs are trusted (a notebook the user ran or trusted) or not (opened from elsewhere). */
  trusted: boolean;
  /** Whether plotly's JupyterLab extension is installed (its MIME renderer, rank 0, safe). */
  plotly: boolean;
}

declare global {
  interface Window {
    renderOutputs(cells: unknown[][], options: RenderOptions): Promise<number>;
  }
}

window.renderOutputs = async (cells, options) => {
  const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
  if (options.plotly) rendermime.addFactory(plotlyRendererFactory, 0);
  let n = 0;
  for (const outputs of cells) {
    const model = new OutputAreaModel({ values: outputs as never, trusted: options.trusted });
    const area = new OutputArea({ model, rendermime });
    area.addClass("test-cell");
    Widget.attach(area, document.body);
    n++;
  }
  return n;
};
