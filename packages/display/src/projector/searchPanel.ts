/**
 * The projector page's search box: type part of a word, the matching points are circled in the
 * figure above and listed with their nearest neighbours (in the original space). Everything runs in
 * the page, no kernel round trip: the labels and the neighbour lists travel with the output, the
 * neighbour indices packed as 3-byte little-endian integers in base64 (4 characters per index).
 */
import { escapeHtml, scriptJson } from "../html";
import { lang, tr } from "../lang";

/** Packs non-negative integers < 2^24 as 3 bytes each, base64. */
export function packIndices(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    bytes[3 * i] = v & 255;
    bytes[3 * i + 1] = (v >> 8) & 255;
    bytes[3 * i + 2] = (v >> 16) & 255;
  }
  return Buffer.from(bytes).toString("base64");
}

/** The inverse of {@link packIndices} (the page does the same with `atob`). */
export function unpackIndices(b64: string): Int32Array {
  const bytes = Buffer.from(b64, "base64");
  const out = new Int32Array(bytes.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = bytes[3 * i] | (bytes[3 * i + 1] << 8) | (bytes[3 * i + 2] << 16);
  return out;
}

/** What the page script needs. */
export interface SearchData {
  /** One label per point. */
  labels: string[];
  /** Neighbours listed per point (0: none shipped). */
  k: number;
  /** `[N, k]` neighbour indices, packed; `null` when none were computed. */
  nbr: string | null;
  /** How many leading traces of the figure hold the points (one per colour group). */
  traces: number;
  /** Point index of each entry of those traces, in order, packed; `null` when it is 0, 1, 2, … */
  perm: string | null;
}

// The page side. Finds the figure of the same view once plotly has drawn it; on the first search
// (not before: nothing of it delays the drawing) decodes the neighbour lists and reads the
// coordinates back from the figure's traces; on each keystroke restyles one added "search" trace (open circles: the
// points keep their colour) and lists up to 10 matches with their neighbours. It records the last
// search on the element (data-matches, data-first) for tests.
const PAGE_SCRIPT = `function dec(b){var s=atob(b),n=s.length/3,o=new Int32Array(n);for(var i=0;i<n;i++)o[i]=s.charCodeAt(3*i)|s.charCodeAt(3*i+1)<<8|s.charCodeAt(3*i+2)<<16;return o;}
function esc(s){return String(s).replace(/[&<>"']/g,function(c){return{"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c];});}
var t0=Date.now();
function wait(){var root=document.getElementById(id);if(!root)return;var v=root.closest(".embedlab-view"),fig=v&&v.querySelector(".embedlab-figure");
if(!fig||!fig.data||!window.Plotly){if(Date.now()-t0<120000)setTimeout(wait,100);return;}init(root,fig);}
function init(root,fig){var n=D.labels.length,X,Y,Z=null,lower,nbr,hl=-1,indexed=false;
function index(){if(indexed)return;indexed=true;var perm=D.perm?dec(D.perm):null,p=0;X=new Float64Array(n);Y=new Float64Array(n);nbr=D.nbr?dec(D.nbr):null;lower=D.labels.map(function(l){return l.toLowerCase();});
for(var t=0;t<D.traces;t++){var tr=fig.data[t];if(tr.z&&!Z)Z=new Float64Array(n);for(var j=0;j<tr.x.length;j++,p++){var i=perm?perm[p]:p;X[i]=tr.x[j];Y[i]=tr.y[j];if(Z)Z[i]=tr.z[j];}}}
var input=root.querySelector("input"),out=root.querySelector(".embedlab-search-results"),count=root.querySelector(".embedlab-search-count");
function search(q){index();q=q.trim().toLowerCase();var hits=[],exact=[];if(q)for(var i=0;i<n;i++){if(lower[i]===q)exact.push(i);else if(lower[i].indexOf(q)>=0&&hits.length<500)hits.push(i);}
hits=exact.concat(hits);var tr={x:[hits.map(function(i){return X[i];})],y:[hits.map(function(i){return Y[i];})],text:[hits.map(function(i){return D.labels[i];})]};if(Z)tr.z=[hits.map(function(i){return Z[i];})];
if(hl<0){var t={type:fig.data[0].type,mode:"markers+text",name:"search",textposition:"top center",hoverinfo:"skip",showlegend:false,marker:{symbol:"circle-open",size:16,color:"#111",line:{width:2,color:"#111"}},textfont:{color:"#111"},x:tr.x[0],y:tr.y[0],text:tr.text[0]};if(Z)t.z=tr.z[0];window.Plotly.addTraces(fig,t);hl=fig.data.length-1;}else window.Plotly.restyle(fig,tr,[hl]);
count.textContent=q?hits.length+(hits.length===1?" match":" matches"):"";
out.innerHTML=hits.slice(0,10).map(function(i){var nn=[];if(nbr)for(var r=0;r<D.k;r++)nn.push(esc(D.labels[nbr[i*D.k+r]]));return"<div><b>"+esc(D.labels[i])+"</b>"+(nbr?" — nearest: "+nn.join(", "):"")+"</div>";}).join("");
root.setAttribute("data-matches",String(hits.length));root.setAttribute("data-first",hits.length?D.labels[hits[0]]:"");}
input.addEventListener("input",function(){search(input.value);});root.setAttribute("data-ready","1");if(input.value)search(input.value);}
wait();`;

/**
 * The search box's HTML: an input, a match count, a result list and the script (see the file's header).
 * `id` must be unique in the page.
 */
export function searchPanelHtml(id: string, data: SearchData): string {
  const note = data.nbr
    ? tr("nearest neighbours in the original space", "原始空间中的最近邻")
    : tr("neighbours not computed for this many points with PCA (use projectorAsync)", "点数这么多时 PCA 不计算近邻（请用 projectorAsync）");
  // the page script's own words, in Chinese when lang() is "zh" (the English script is left as it is)
  const script = lang() === "zh" ? PAGE_SCRIPT.replace('" match":" matches"', '" 个匹配":" 个匹配"').replace('" — nearest: "', '" — 最近邻："') : PAGE_SCRIPT;
  return (
    `<div id="${escapeHtml(id)}" class="embedlab-search" style="margin:4px 0">` +
    `<input type="search" placeholder="${escapeHtml(tr("search a word…", "搜索一个词…"))}" aria-label="${escapeHtml(tr("search the points", "搜索这些点"))}" style="width:220px"> ` +
    `<span class="embedlab-search-count"></span> <span style="color:#888">(${escapeHtml(note)})</span>` +
    `<div class="embedlab-search-results"></div></div>\n` +
    `<script type="text/javascript">(function(){var id=${JSON.stringify(id)},D=${scriptJson(data)};\n${script}})();</script>`
  );
}
