// The source of package constructs/kube/internal/bridge (make imports generates
// it with jsii-srcmak). A jsii call converts its arguments and results value
// by value, and checks each against its declared type; a string crosses
// as one value. Manifests therefore cross as JSON text, each in one call,
// and are parsed on the other side: the objects they make are the same
// ApiObjects, made by the same calls, as the Go side made through three
// jsii calls each.
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
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
   * The chart's manifests, as Chart.toJson resolves them, in JSON text.
   *
   * @param chart the chart to resolve
   */
  public static resolve(chart: Chart): string {
    return JSON.stringify(chart.toJson());
  }

  private constructor() {}
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
