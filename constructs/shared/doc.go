// Package shared holds what every Caracal construct needs: the release
// identity and its labels, the pod and container security settings that
// pass Pod Security "restricted", resources, images and the StatefulSet and
// Service skeletons. It knows nothing of values files.
package shared
