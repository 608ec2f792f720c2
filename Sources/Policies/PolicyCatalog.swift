public import Manifests
