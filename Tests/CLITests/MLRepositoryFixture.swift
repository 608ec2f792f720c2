import Foundation
import TestSupport

/// A small but complete desired-state repository: two clusters, two environments (one with a
/// conda file), two pipelines using them, committed code.
enum MLRepositoryFixture {
    static let trainConda = """
        name: train
        channels:
          - conda-forge
        dependencies:
          - python=3.10
          - pip
          - pip:
              - numpy==1.26.4
              - pandas==2.2.2
        """

    static func write(into repo: ScratchRepository) throws {
        try repo.write("ml/clusters/cpu.yml", """
            $schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json
            name: cpu-cluster
            type: amlcompute
            size: Standard_DS3_v2
            min_instances: 0
            max_instances: 2
            idle_time_before_scale_down: 300
            """)
        try repo.write("ml/environments/train.yml", """
            $schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json
            name: train-env
            image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1
            conda_file: conda/train.yml
            description: Training runtime
            """)
        try repo.write("ml/environments/conda/train.yml", trainConda)
        try repo.write("ml/environments/score.yml", """
            $schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json
            name: score-env
            image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1
            conda_file: conda/score.yml
            """)
        try repo.write("ml/environments/conda/score.yml", """
            name: score
            channels:
              - conda-forge
            dependencies:
              - python=3.11
              - pip
              - pip:
                  - scikit-learn==1.5.0
            """)
        for (name, env) in [("train", "train-env"), ("score", "score-env")] {
            try repo.write("ml/pipelines/\(name).yml", """
                $schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
                type: pipeline
                experiment_name: \(name)
                settings:
                  default_compute: azureml:cpu-cluster
                inputs:
                  rate: 0.5
                jobs:
                  step_one:
                    type: command
                    code: ../src/\(name)
                    environment: azureml:\(env)@latest
                    command: python \(name).py --rate ${{inputs.rate}}
                    inputs:
                      rate: ${{parent.inputs.rate}}
                """)
            try repo.write("ml/src/\(name)/\(name).py", "print('\(name)')\n")
        }
    }
}
