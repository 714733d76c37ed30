// The source of package constructs/kube/internal/bridge (make imports generates
// it with jsii-srcmak). A jsii call converts its arguments and results value
// by value, and checks each against its declared type; a string crosses
// as one value. Manifests therefore cross as JSON text, each in one call
// (resolved ones, in a file), and are parsed on the other side: the
// objects they make are the same ApiObjects, made by the same calls, as
// the Go side made through three jsii calls each.
import { readFileSync, writeFileSync } from 'fs';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * Makes and resolves API objects whose manifests cross the jsii bridge as
 * JSON text.
 */
export class Manifests {
  /**
   * Adds to scope, as id, the API object of the manifest in json: its
   * apiVersion, kind and metadata are the ApiObject's props (the chart adds
   * its labels and namespace to that metadata), and each other top-level
   * field is added by a JSON patch.
   *
   * @param scope the construct the object belongs to
   * @param id the object's id in the construct tree
   * @param json the manifest, a JSON object
   */
  public static add(scope: Construct, id: string, json: string): ApiObject {
    return make(scope, id, JSON.parse(json));
  }

  /**
   * Adds to scope the API objects of the manifests in json, in order, as
   * add does each, in one call.
   *
   * @param scope the construct the objects belong to
   * @param ids the objects' ids in the construct tree
   * @param json the manifests, a JSON array of objects
   */
  public static addAll(scope: Construct, ids: string[], json: string): ApiObject[] {
    const manifests = JSON.parse(json);
    if (!Array.isArray(manifests) || manifests.length !== ids.length) {
      throw new Error(`${ids.length} ids for ${Array.isArray(manifests) ? manifests.length : 'no'} manifests`);
    }
    return manifests.map((manifest, i) => make(scope, ids[i], manifest));
  }

  /**
   * Adds to scope a construct id, and to that construct the API objects of
   * the manifests in json, as addAll does, in one call: a construct that
   * holds nothing but its objects costs one call, not two.
   *
   * @param scope the construct the new one belongs to
   * @param id the new construct's id in the construct tree
   * @param ids the objects' ids in the new construct
   * @param json the manifests, a JSON array of objects
   * @returns the new construct, then its objects in order
   */
  public static addScope(scope: Construct, id: string, ids: string[], json: string): Construct[] {
    const child = new Construct(scope, id);
    return [child, ...Manifests.addAll(child, ids, json)];
  }

  /**
   * Adds to scope a tree of constructs and API objects, in one call: json
   * is a JSON array of entries, in order, each either an object
   * ({"id": ..., "manifest": {...}}, made as add makes it) or a construct
   * ({"id": ..., "scope": [entries]}, whose entries are added to it in
   * turn). A construct that holds other constructs costs one call, not one
   * per construct.
   *
   * @param scope the construct the entries belong to
   * @param json the entries, a JSON array
   * @returns what was made, in the order of the entries, each construct
   * followed by what it holds
   */
  public static addTree(scope: Construct, json: string): Construct[] {
    const made: Construct[] = [];
    addEntries(scope, JSON.parse(json), made);
    return made;
  }

  /**
   * Writes the manifests of the charts, as Chart.toJson resolves each, to
   * the file at path, as JSON text: an array with one array per chart, in
   * the order of charts. They are most of what a synthesis moves, and a
   * file moves them once; a jsii result would cross two pipes (through
   * the runtime's relay process) and be parsed on each side of them.
   *
   * @param charts the charts to resolve
   * @param path the file to write, which exists (and is only readable by
   * its owner)
   */
  public static resolveAll(charts: Chart[], path: string): void {
    writeFileSync(path, JSON.stringify(charts.map((chart) => chart.toJson())));
  }

  /**
   * Makes an app and resolves its charts, in one call: the file at plan
   * holds the plan of the app, as JSON, {"charts": [...], "resolve": [...]},
   * where each chart is a tree's entry ({"id": ..., "scope": [entries]},
   * see addTree), made in order in a new App with cdk8s's hash suffixes
   * disabled, and resolve lists the indexes of the charts whose manifests
   * go, in that order, to the file at path, as resolveAll writes them. The
   * plan, some hundred kilobytes, comes in a file for the reason the
   * manifests go out in one: as a jsii argument it would be escaped into
   * the request and parsed twice. Nothing made is returned: the app is of
   * no use once resolved, and a handle costs a conversion on each side.
   *
   * @param plan the file that holds the plan (only readable by its owner)
   * @param path the file to write, which exists (and is only readable by
   * its owner)
   */
  public static synth(plan: string, path: string): void {
    const parsed = JSON.parse(readFileSync(plan, 'utf8'));
    if (!Array.isArray(parsed.charts) || !Array.isArray(parsed.resolve)) {
      throw new Error('a plan holds charts and the charts to resolve');
    }
    const app = new App();
    const charts = parsed.charts.map((entry: any) => {
      const chart = new Chart(app, entry.id, { disableResourceNameHashes: true });
      addEntries(chart, entry.scope);
      return chart;
    });
    Manifests.resolveAll(parsed.resolve.map((i: number) => charts[i]), path);
  }

  private constructor() {}
}

function addEntries(scope: Construct, entries: any, made?: Construct[]): void {
  if (!Array.isArray(entries)) {
    throw new Error('a tree\'s entries must be an array');
  }
  for (const entry of entries) {
    if (entry.manifest !== undefined) {
      const obj = make(scope, entry.id, entry.manifest);
      made?.push(obj);
    } else {
      const child = new Construct(scope, entry.id);
      made?.push(child);
      addEntries(child, entry.scope, made);
    }
  }
}

function make(scope: Construct, id: string, manifest: any): ApiObject {
  const { apiVersion, kind, metadata, ...body } = manifest;
  const obj = new ApiObject(scope, id, { apiVersion, kind, metadata });
  const patches = Object.keys(body).map((key) => JsonPatch.add('/' + key, body[key]));
  if (patches.length > 0) {
    obj.addJsonPatch(...patches);
  }
  return obj;
}
